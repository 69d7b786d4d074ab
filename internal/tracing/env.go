package tracing

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The OpenTelemetry environment variables this package decides by. The SDK
// and the OTLP exporter read the others themselves (OTEL_EXPORTER_OTLP_HEADERS,
// _TIMEOUT, _COMPRESSION, _CERTIFICATE, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES…).
const (
	EnvSDKDisabled    = "OTEL_SDK_DISABLED"
	EnvTracesExporter = "OTEL_TRACES_EXPORTER"
	EnvEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"
	EnvTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	EnvProtocol       = "OTEL_EXPORTER_OTLP_PROTOCOL"
	EnvTracesProtocol = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	EnvSampler        = "OTEL_TRACES_SAMPLER"
	EnvSamplerArg     = "OTEL_TRACES_SAMPLER_ARG"
	EnvServiceName    = "OTEL_SERVICE_NAME"
)

// settings is what the environment asks for.
type settings struct {
	disabled bool
	// endpoint is where spans are exported, "" for nowhere, its password
	// masked: the exporter reads the real one from the environment.
	endpoint string
	sampler  sdktrace.Sampler
}

// readEnv reads and checks the variables above. Anything it cannot honour
// is an error, so a typo does not silently lose every span.
func readEnv(getenv func(string) string) (settings, error) {
	var s settings
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	if v := get(EnvSDKDisabled); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("%s=%q: want true or false", EnvSDKDisabled, v)
		}
		if s.disabled = b; b {
			return s, nil
		}
	}
	var errs []error
	export, err := wantsOTLP(get(EnvTracesExporter))
	errs = append(errs, err)
	if export {
		s.endpoint, err = endpoint(get)
		errs = append(errs, err)
	}
	s.sampler, err = sampler(get(EnvSampler), get(EnvSamplerArg))
	errs = append(errs, err)
	return s, errors.Join(errs...)
}

// wantsOTLP reads OTEL_TRACES_EXPORTER: otlp (the default) or none.
func wantsOTLP(v string) (bool, error) {
	if v == "" {
		return true, nil
	}
	otlp := false
	for _, name := range strings.Split(v, ",") {
		switch strings.TrimSpace(name) {
		case "otlp":
			otlp = true
		case "none":
		default:
			return false, fmt.Errorf("%s=%q: only otlp and none are supported", EnvTracesExporter, v)
		}
	}
	return otlp, nil
}

// endpoint is the configured OTLP endpoint, the traces one first, checked
// as the exporter will use it and with any password masked; "" when none
// is set. Only http/protobuf is
// built in.
func endpoint(get func(string) string) (string, error) {
	proto, name := get(EnvTracesProtocol), EnvTracesProtocol
	if proto == "" {
		proto, name = get(EnvProtocol), EnvProtocol
	}
	if proto != "" && proto != "http/protobuf" {
		return "", fmt.Errorf("%s=%q: only http/protobuf is supported", name, proto)
	}
	ep, name := get(EnvTracesEndpoint), EnvTracesEndpoint
	if ep == "" {
		ep, name = get(EnvEndpoint), EnvEndpoint
	}
	if ep == "" {
		return "", nil
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%s=%q: want an http:// or https:// URL", name, ep)
	}
	// Only for logs: a password in the URL is the collector's secret.
	return u.Redacted(), nil
}

// sampler builds the sampler OTEL_TRACES_SAMPLER names, parentbased_always_on
// by default, as the specification's defaults are.
func sampler(name, arg string) (sdktrace.Sampler, error) {
	ratio := func() (float64, error) {
		if arg == "" {
			return 1, nil
		}
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || r < 0 || r > 1 {
			return 0, fmt.Errorf("%s=%q: want a ratio from 0 to 1", EnvSamplerArg, arg)
		}
		return r, nil
	}
	switch name {
	case "", "parentbased_always_on":
		return sdktrace.ParentBased(sdktrace.AlwaysSample()), nil
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample()), nil
	case "always_on":
		return sdktrace.AlwaysSample(), nil
	case "always_off":
		return sdktrace.NeverSample(), nil
	case "traceidratio", "parentbased_traceidratio":
		r, err := ratio()
		if err != nil {
			return nil, err
		}
		if name == "traceidratio" {
			return sdktrace.TraceIDRatioBased(r), nil
		}
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(r)), nil
	}
	return nil, fmt.Errorf("%s=%q: want always_on, always_off, traceidratio or their parentbased_ forms", EnvSampler, name)
}
