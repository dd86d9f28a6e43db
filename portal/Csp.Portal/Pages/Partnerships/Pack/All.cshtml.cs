using System.Diagnostics;
using System.Net;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Time;
using Csp.Portal.Api;
using Csp.Portal.Packs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Csp.Portal.Pages.Partnerships.Pack;

/// <summary>
/// The quarter's governance packs for every partnership in one go (the PCC's quarter): for a user who may make packs in
/// every partnership, i.e. holds the board or manager role everywhere (<c>*:board</c>, <c>*:manager</c>) or is the platform
/// admin. Each pack is made exactly as one click on the partnership's packs page makes it (the user's token, the KPIs as
/// at the quarter's end, stored once per quarter), read 50 partnerships at a time with the services' batch reads (four calls
/// per 50); a partnership that has the quarter's pack already keeps it.
/// </summary>
public sealed class AllModel(GatewayApi api, TimeProvider clock) : PageModel
{
    [BindProperty] public string? Quarter { get; set; }

    public Caller Caller => Caller.From(User);

    public string DefaultQuarter => FinancialQuarter.Containing(UkTime.Today(clock)).Previous.ToString();

    public IReadOnlyList<PackResult> Results { get; private set; } = [];

    public double ElapsedMilliseconds { get; private set; }

    /// <summary>Holds a role that makes packs in every partnership.</summary>
    public static bool MayMakeEverywhere(Caller caller) =>
        PackMaker.MayMake(caller, PartnershipRole.Everywhere);

    private void Require()
    {
        if (!MayMakeEverywhere(Caller))
            throw new ApiFailure(HttpStatusCode.Forbidden, new ApiProblem(403, "Packs for every partnership are for the board or manager role in every partnership, or the admin", null, ApiProblem.NoErrors, null));
    }

    public void OnGet()
    {
        Require();
        Quarter = DefaultQuarter;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Require();
        var text = Quarter?.Trim().ToUpperInvariant();
        if (!FinancialQuarter.TryParse(text, out var quarter))
            ModelState.AddModelError(nameof(Quarter), "Enter the quarter as a year and quarter, like " + DefaultQuarter + " (financial quarters: Q1 is April to June)");
        else if (quarter.Start > UkTime.Today(clock))
            ModelState.AddModelError(nameof(Quarter), $"The quarter must have started: {quarter} starts on {Hosting.Display.Date(quarter.Start)}");
        if (!ModelState.IsValid) return Page();

        var watch = Stopwatch.StartNew();
        // Authenticate the session once before the calls run in parallel (each call reads the user's token from it).
        await HttpContext.GetTokenAsync("access_token");
        var partnerships = (await api.GetAsync<List<PartnershipSummary>>("api/partnerships", cancellationToken)).Value ?? [];
        var reading = HttpContext.RequestServices.GetService<BoardReading>() ?? BoardReading.Default;
        var store = ActivatorUtilities.GetServiceOrCreateInstance<PackStore>(HttpContext.RequestServices);
        var maker = new PackMaker(new BoardFiguresReader(api, clock, reading), store, clock);
        Results = await maker.MakeManyAsync(partnerships.Select(p => p.Id).ToList(), quarter, Caller, reading.Parallelism, cancellationToken, reading.PerPartnership);
        ElapsedMilliseconds = watch.Elapsed.TotalMilliseconds;
        Quarter = quarter.ToString();
        return Page();
    }
}
