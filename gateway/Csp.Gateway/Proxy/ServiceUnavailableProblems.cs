using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Csp.Gateway.Proxy;

/// <summary>
/// Turns YARP's bare error statuses into problem details: a service that is down or has no healthy destination is
/// 503, one that does not answer within the cluster's ActivityTimeout is 504. No exception text reaches the caller.
/// </summary>
public static class ServiceUnavailableProblems
{
    public const string ServiceNameMetadata = "ServiceName";

    public static IReverseProxyApplicationBuilder UseServiceUnavailableProblems(this IReverseProxyApplicationBuilder proxy, bool before = false)
    {
        proxy.Use(GatewayProxy.Step(before, async (context, next) =>
        {
            await next(context);
            var error = context.GetForwarderErrorFeature();
            if (error is null || context.Response.HasStarted) return;

            var service = ServiceName(context);
            var problem = error.Error switch
            {
                ForwarderError.NoAvailableDestinations or ForwarderError.Request or ForwarderError.RequestCreation
                    or ForwarderError.RequestTimedOut when IsUnreachable(error) =>
                    (Status: StatusCodes.Status503ServiceUnavailable, Title: $"The {service} service is unavailable",
                        Detail: "The gateway could not reach the service. Try again shortly."),
                ForwarderError.RequestTimedOut =>
                    (Status: StatusCodes.Status504GatewayTimeout, Title: $"The {service} service did not answer in time",
                        Detail: "The service took too long to respond. Try again shortly."),
                ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient =>
                    (Status: 0, Title: "", Detail: ""), // the caller went away: nobody to answer
                _ =>
                    (Status: StatusCodes.Status502BadGateway, Title: $"The {service} service gave an invalid response",
                        Detail: "The gateway could not complete the request to the service."),
            };
            if (problem.Status == 0) return;
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceUnavailableProblems))
                .LogWarning(error.Exception, "Forwarding {Method} {Path} to the {Service} service failed: {ForwarderError}",
                    context.Request.Method, context.Request.Path.Value, service, error.Error);

            context.Response.Clear();
            context.Response.StatusCode = problem.Status;
            if (problem.Status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "5";
            await Results.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail).ExecuteAsync(context);
        }));
        return proxy;
    }

    // SocketsHttpHandler's ConnectTimeout surfaces as a timeout with a TimeoutException inside; YARP's ActivityTimeout does not.
    private static bool IsUnreachable(IForwarderErrorFeature error) =>
        error.Error is not ForwarderError.RequestTimedOut || error.Exception?.InnerException is TimeoutException;

    private static string ServiceName(HttpContext context)
    {
        var cluster = context.Features.Get<IReverseProxyFeature>()?.Cluster?.Config;
        return cluster?.Metadata?.GetValueOrDefault(ServiceNameMetadata) ?? cluster?.ClusterId ?? "requested";
    }
}
