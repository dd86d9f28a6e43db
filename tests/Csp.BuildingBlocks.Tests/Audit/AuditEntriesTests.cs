using System.Diagnostics;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Redis;

namespace Csp.BuildingBlocks.Tests.Audit;

public sealed class AuditEntriesTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 4, 9, 30, 0, TimeSpan.Zero);
    private static readonly Caller Partner = Caller.With("daniel.okafor", "Daniel Okafor", "kent-police", "medway:partner");
    private readonly AuditEntries _entries = new(new FixedClock(Now));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed record Action(long Id, string Title, string Status);

    [Fact]
    public void An_entry_records_who_what_when_before_and_after_and_the_current_trace()
    {
        var before = new Action(42, "Street lighting audit", "on-track");
        var after = before with { Status = "completed" };
        using var request = new Activity("POST /actions/42/updates").Start();

        var entry = _entries.For(Partner, "update", "action", 42, before, after);

        Assert.Equal("daniel.okafor", entry.Actor);
        Assert.Equal(Now, entry.At);
        Assert.Equal("update", entry.Action);
        Assert.Equal("action", entry.EntityType);
        Assert.Equal("42", entry.EntityId);
        Assert.Equal("""{"status":"on-track"}""", entry.Before);
        Assert.Equal("""{"status":"completed"}""", entry.After);
        Assert.Equal(request.TraceId.ToHexString(), entry.CorrelationId);
        Assert.Matches("^[0-9a-f]{32}$", entry.CorrelationId);
    }

    private sealed record Rating(string Band, int Score);

    private sealed record Risk(long Id, string Title, Rating Current, IReadOnlyList<string> Notes, string? ClosedBecause);

    [Fact]
    public void An_entry_holds_only_the_fields_that_changed_nested_objects_by_their_changed_fields()
    {
        var before = new Risk(3, "Legislation", new Rating("amber", 9), ["first"], null);
        var after = before with { Current = new Rating("red", 9), Notes = ["first", "second"], ClosedBecause = "merged" };

        var entry = _entries.For(Partner, "risk.assessed", "risk", 3, before, after);

        Assert.Equal("""{"current":{"band":"amber"},"notes":["first"],"closedBecause":null}""", entry.Before);
        Assert.Equal("""{"current":{"band":"red"},"notes":["first","second"],"closedBecause":"merged"}""", entry.After);
    }

    [Fact]
    public void An_entry_does_not_grow_with_what_did_not_change()
    {
        var small = new Risk(3, "Legislation", new Rating("amber", 9), [], null);
        var large = small with { Notes = Enumerable.Range(0, 2000).Select(i => $"note {i}").ToList() };

        var onSmall = _entries.For(Partner, "risk.assessed", "risk", 3, small, small with { Current = new Rating("red", 12) });
        var onLarge = _entries.For(Partner, "risk.assessed", "risk", 3, large, large with { Current = new Rating("red", 12) });

        Assert.Equal(onSmall.Before, onLarge.Before);
        Assert.Equal(onSmall.After, onLarge.After);
        Assert.True(onLarge.After!.Length < 100, onLarge.After);
    }

    [Fact]
    public void A_created_record_has_no_before_snapshot()
    {
        var created = new Action(7, "New action", "not-started");

        var entry = _entries.For<Action>(Caller.System, "create", "action", "7", null, created);

        Assert.Equal("system", entry.Actor);
        Assert.Null(entry.Before);
        Assert.Equal(StorageJson.Serialize(created), entry.After);
    }

    [Fact]
    public void Outside_any_trace_the_entry_has_no_correlation_id()
    {
        Activity.Current = null;

        var entry = _entries.For<Action>(Caller.System, "create", "action", "7", null, new Action(7, "x", "y"));

        Assert.Null(entry.CorrelationId);
    }
}
