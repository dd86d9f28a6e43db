using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Risks;

/// <summary>
/// The risk register (members): the filters the risk service offers (register, band, status), a page at a time. Bad
/// filter values are the service's to refuse; they come back as a 400 that the page shows against the filter.
/// </summary>
public sealed class RisksModel : PartnershipPage
{
    public const int PageSize = 20;

    private static readonly IReadOnlyDictionary<string, (string, string)> FilterFields = new Dictionary<string, (string, string)>
    {
        ["register"] = ("Register", "Register"),
        ["band"] = ("Band", "Band"),
        ["status"] = ("Status", "Status"),
        ["page"] = ("", "Page"),
    };

    [FromQuery(Name = "register")] public string? Register { get; set; }
    [FromQuery(Name = "band")] public string? Band { get; set; }
    [FromQuery(Name = "status")] public string? Status { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public PageView<RiskView> Risks { get; private set; } = new([], 0, 1, PageSize);
    public RiskMatrixWithTolerance Matrix { get; private set; } = null!;
    public IReadOnlyList<string> Registers { get; private set; } = [];

    public int PageCount => Math.Max(1, (Risks.Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        Matrix = (await Api.GetAsync<RiskMatrixRead>(ApiPath + "/risk-matrix", cancellationToken)).Value!.Matrix;
        Register = Blank(Register);
        Band = Blank(Band);
        Status = Blank(Status) ?? "open";
        if (PageNumber < 1) PageNumber = 1;
        try
        {
            Risks = (await Api.GetAsync<PageView<RiskView>>($"{ApiPath}/risks{Query(PageNumber)}&pageSize={PageSize}", cancellationToken)).Value!;
        }
        catch (ApiFailure failure) when (failure.Status == System.Net.HttpStatusCode.BadRequest && failure.Problem is { } problem)
        {
            // A filter the service refuses (a hand-edited address): say which, and show no risks rather than the wrong ones.
            ModelState.AddProblem(problem, FilterFields);
        }
        // The registers in use, for the filter: the register is a slug on each risk, with no list of its own.
        var all = (await Api.GetAsync<PageView<RiskView>>($"{ApiPath}/risks?status=all&pageSize=200", cancellationToken)).Value!;
        Registers = all.Items.Select(r => r.Register).Append("csp").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The query string of this list at another page, filters kept.</summary>
    public string Query(int page)
    {
        var parts = new List<string>();
        if (Register is not null) parts.Add("register=" + Uri.EscapeDataString(Register));
        if (Band is not null) parts.Add("band=" + Uri.EscapeDataString(Band));
        if (Status is not null) parts.Add("status=" + Uri.EscapeDataString(Status));
        parts.Add("page=" + page);
        return "?" + string.Join("&", parts);
    }

    public static string RegisterName(string register) => register switch
    {
        "csp" => "Partnership register",
        _ => System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(register.Replace('-', ' ')) + " register",
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
