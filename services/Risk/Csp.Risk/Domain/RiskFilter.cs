using Csp.BuildingBlocks.Validation;

namespace Csp.Risk.Domain;

/// <summary>Which risks a list shows: the status asked for (<c>open</c> by default, <c>closed</c> or <c>all</c>).</summary>
public enum RiskStatusFilter { Open, Closed, All }

/// <summary>
/// The register's list filter, read from the query string: a sub-register (a slug), a band of the partnership's matrix,
/// and a status. Each bad value is an error naming its parameter.
/// </summary>
public sealed record RiskFilter(string? Register, string? Band, RiskStatusFilter Status)
{
    public static RiskFilter? Read(string? register, string? band, string? status, RiskMatrix matrix, ValidationErrors errors)
    {
        CheckRegister(register, errors);
        if (band is not null && matrix.Severity(band) < 0) errors.Add("band", $"must be one of: {string.Join(", ", matrix.Bands.Select(b => b.Id))}");
        RiskStatusFilter? wanted = status switch
        {
            null or "open" => RiskStatusFilter.Open,
            "closed" => RiskStatusFilter.Closed,
            "all" => RiskStatusFilter.All,
            _ => null,
        };
        if (wanted is null) errors.Add("status", "must be open, closed or all");
        return errors.IsEmpty ? new RiskFilter(register, band, wanted!.Value) : null;
    }

    /// <summary>A register named in a query must be a register slug.</summary>
    public static void CheckRegister(string? register, ValidationErrors errors)
    {
        if (register is not null && !Slug.IsValid(register)) errors.Add("register", "must be a register slug such as 'csp'");
    }

    public bool Matches(RiskEntry risk) =>
        (Register is null || risk.Register == Register)
        && (Band is null || risk.Current.Band == Band)
        && Status switch
        {
            RiskStatusFilter.Open => risk.IsOpen,
            RiskStatusFilter.Closed => !risk.IsOpen,
            _ => true,
        };
}
