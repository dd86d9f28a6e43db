using System.Net;
using System.Net.Http.Json;
using Csp.Portal.Hosting;
using Microsoft.Extensions.Options;

namespace Csp.Portal.Api;

// What the portal reads from the KPI service (docs/kpis.md): the members' scorecard and the public scorecard. Enum values
// stay strings (`green`, `higher-is-better`, `no-significant-change`); the KPI service owns their meaning.

public sealed record KpiBaselineView(decimal Value, string Period);

public sealed record SparkPointView(string Period, decimal? Value);

public sealed record KpiDataLagView(string? LatestPeriod, DateOnly? NextExpected, bool Late, int? AgeDays);

/// <summary>A period's value against an earlier one: <c>verdict</c> is improving, worsening, no-significant-change or
/// changed; <c>reason</c> says it in words.</summary>
public sealed record KpiTrendView(string ComparedWith, decimal EarlierValue, decimal Value, string Direction, decimal? ChangePercent,
    string Significance, string Verdict, string Reason);

public sealed record KpiCardView(
    string Code, string Title, string Counting, string OwningAgencyId, string DataSource, string Unit, string? DenominatorSource, string Polarity,
    string Frequency, bool ActivityIndicator, bool Published, bool Derived, int DefinitionVersion, KpiBaselineView? Baseline,
    string? Period, decimal? Value, string? ValueText, decimal? Target, string Rag, string RagReason, int? JudgedAgainstVersion,
    KpiTrendView? VsPrevious, KpiTrendView? VsLastYear, IReadOnlyList<SparkPointView> Sparkline, KpiDataLagView DataLag);

public sealed record ScorecardPriorityView(string PriorityId, int Green, int Amber, int Red, int None, IReadOnlyList<KpiCardView> Kpis);

/// <summary><c>GET /api/partnerships/{p}/kpis/scorecard[?period=]</c> (members).</summary>
public sealed record ScorecardView(string PartnershipId, string? AsAt, DateOnly Today, IReadOnlyList<ScorecardPriorityView> Priorities);

public sealed record PublicKpiView(
    string Code, string Title, string Counting, string DataSource, string Unit, string Polarity, string Frequency, KpiBaselineView? Baseline,
    string? Period, decimal? Value, string? ValueText, decimal? Target, string Rag, string RagReason, string? VsPrevious, string? VsLastYear,
    IReadOnlyList<SparkPointView> Sparkline, string? LatestPeriod, DateOnly? NextExpected, bool Late);

public sealed record PublicPriorityView(string PriorityId, IReadOnlyList<PublicKpiView> Kpis);

/// <summary><c>GET /public/partnerships/{p}/scorecard</c>: published KPIs only, no notes, no submitters (anyone).</summary>
public sealed record PublicScorecardView(string PartnershipId, DateOnly Today, IReadOnlyList<PublicPriorityView> Priorities);

/// <summary>
/// The one call the portal makes without a user: the KPI service's public scorecard, through the gateway's anonymous
/// <c>/public</c> route (rate-limited there per client). Not found is <c>null</c>; any other failure is an
/// <see cref="ApiFailure"/> for the page filter.
/// </summary>
public sealed class PublicScorecardClient(IHttpClientFactory factory, IOptions<PortalOptions> options)
{
    public async Task<PublicScorecardView?> GetAsync(string partnershipId, CancellationToken cancellationToken)
    {
        using var http = factory.CreateClient(nameof(PublicScorecardClient));
        http.BaseAddress = new Uri(options.Value.ApiBase.ToString().TrimEnd('/') + "/");
        http.Timeout = options.Value.ApiTimeout;
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync("public/partnerships/" + Uri.EscapeDataString(partnershipId) + "/scorecard", cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ApiFailure(HttpStatusCode.ServiceUnavailable, new ApiProblem(503, "The gateway is not reachable", ex.Message, ApiProblem.NoErrors, null));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiFailure(HttpStatusCode.GatewayTimeout, new ApiProblem(504, "The service did not answer in time", null, ApiProblem.NoErrors, null));
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode)
                throw new ApiFailure(response.StatusCode, new ApiProblem((int)response.StatusCode, response.ReasonPhrase ?? "", null, ApiProblem.NoErrors,
                    response.Headers.TryGetValues("X-Correlation-Id", out var ids) ? ids.FirstOrDefault() : null));
            return await response.Content.ReadFromJsonAsync<PublicScorecardView>(GatewayApi.Json, cancellationToken);
        }
    }
}
