namespace Csp.BuildingBlocks.Time;

/// <summary>
/// UK civil time. Instants are stored in UTC; calendar dates (due dates, deadlines, "today") are dates in
/// Europe/London, so an action due on 31 March is overdue from 00:00 on 1 April UK time, in GMT or BST alike.
/// </summary>
public static class UkTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateOnly Today(TimeProvider clock) => DateOf(clock.GetUtcNow());

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The instant UK midnight starts on <paramref name="date"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
