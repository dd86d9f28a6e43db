namespace Csp.Contracts.IntegrationEvents;

// Integration events published by the funding service. Money is in integer pence (never floating point); dates are UK
// calendar dates (yyyy-MM-dd); instants are UTC; financial years are written 2024-25 and quarters 2024-Q2. An
// allocation's id is its programme's id (one allocation per partnership per programme).

/// <summary>A provisional allocation was confirmed once the Police and Crime Panel approved the PCC's budget.</summary>
public sealed record FundingAllocationConfirmed(
    string PartnershipId, string AllocationId, string FunderId, string FinancialYear, long AwardedPence,
    DateOnly PanelDate, string PanelReference, string ConfirmedBy, DateTimeOffset ConfirmedAt) : IIntegrationEvent
{
    public static string Topic => "funding.allocation-confirmed";
}

/// <summary>A tranche of an allocation was released (paid).</summary>
public sealed record FundingTrancheReleased(
    string PartnershipId, string AllocationId, string FunderId, int TrancheId, string Label, long AmountPence,
    long ReleasedPence, long AwardedPence, DateOnly ReleasedOn, string ReleasedBy) : IIntegrationEvent
{
    public static string Topic => "funding.tranche-released";
}

/// <summary>A spend entry was recorded (a correction has a negative amount and names the entry it corrects).</summary>
public sealed record FundingSpendRecorded(
    string PartnershipId, string AllocationId, int EntryId, int ProjectId, DateOnly Date, long AmountPence, int? CorrectsEntryId,
    long SpentPence, long AwardedPence, string RecordedBy, DateTimeOffset RecordedAt) : IIntegrationEvent
{
    public static string Topic => "funding.spend-recorded";
}

/// <summary>A quarterly monitoring return was submitted by the partnership's manager; <see cref="Late"/> when after its due date.</summary>
public sealed record FundingReturnSubmitted(
    string PartnershipId, string AllocationId, string FunderId, string Quarter, DateOnly DueOn, bool Late, long ForecastOutturnPence,
    int Revision, string SubmittedBy, DateTimeOffset SubmittedAt) : IIntegrationEvent
{
    public static string Topic => "funding.return-submitted";
}

/// <summary>The funder's finance officer accepted a monitoring return.</summary>
public sealed record FundingReturnAccepted(
    string PartnershipId, string AllocationId, string FunderId, string Quarter, string AcceptedBy, DateTimeOffset AcceptedAt) : IIntegrationEvent
{
    public static string Topic => "funding.return-accepted";
}

/// <summary>Early warning: a return forecasts an outturn below the award (the underspend the partnership expects to return).</summary>
public sealed record FundingUnderspendForecast(
    string PartnershipId, string AllocationId, string FunderId, string Quarter, long AwardedPence, long ForecastOutturnPence,
    long ForecastUnderspendPence) : IIntegrationEvent
{
    public static string Topic => "funding.underspend-forecast";
}
