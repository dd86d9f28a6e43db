using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Csp.BuildingBlocks.Tests.Redis;

/// <summary>The retry loop of optimistic writes: an attempt returns its outcome, or null when its save lost the race.</summary>
public sealed class OptimisticConcurrencyTests
{
    /// <summary>An attempt that loses the race <paramref name="lost"/> times, then succeeds with the attempt number.</summary>
    private sealed class Attempts(int lost)
    {
        public int Made { get; private set; }

        public Task<Outcome<int>?> RunAsync()
        {
            Made++;
            return Task.FromResult(Made <= lost ? null : Outcome<int>.Ok(Made));
        }
    }

    private static int StatusOf<T>(Outcome<T> outcome) =>
        Assert.IsType<ProblemHttpResult>(outcome.ToResult(_ => Results.Ok())).StatusCode;

    [Theory]
    [InlineData(null)]
    [InlineData(3L)]
    public async Task The_first_outcome_is_returned_at_once(long? ifMatch)
    {
        var attempts = new Attempts(lost: 0);

        var outcome = await OptimisticConcurrency.RetryAsync(ifMatch is { } v ? IfMatch.Of(v) : null, attempts.RunAsync, "the thing is busy");

        Assert.True(outcome.IsOk);
        Assert.Equal(1, outcome.Value);
        Assert.Equal(1, attempts.Made);
    }

    [Fact]
    public async Task A_refusal_is_an_outcome_too_and_is_not_retried()
    {
        var made = 0;

        var outcome = await OptimisticConcurrency.RetryAsync<int>(null, () => { made++; return Task.FromResult<Outcome<int>?>(Outcome<int>.NotFound("Thing 7")); }, "busy");

        Assert.Equal(OutcomeKind.NotFound, outcome.Kind);
        Assert.Equal(1, made);
    }

    [Fact]
    public async Task With_if_match_a_lost_race_is_stale_after_one_attempt()
    {
        var attempts = new Attempts(lost: 1);

        var outcome = await OptimisticConcurrency.RetryAsync(IfMatch.Of(4), attempts.RunAsync, "the thing is busy");

        Assert.Equal(OutcomeKind.PreconditionFailed, outcome.Kind);
        Assert.Equal(StatusCodes.Status412PreconditionFailed, StatusOf(outcome));
        Assert.Equal(1, attempts.Made);
    }

    [Fact]
    public async Task Without_if_match_a_lost_race_is_tried_again_on_the_newer_version()
    {
        var attempts = new Attempts(lost: OptimisticConcurrency.Attempts - 1);

        var outcome = await OptimisticConcurrency.RetryAsync(null, attempts.RunAsync, "the thing is busy");

        Assert.True(outcome.IsOk);
        Assert.Equal(OptimisticConcurrency.Attempts, outcome.Value);
        Assert.Equal(OptimisticConcurrency.Attempts, attempts.Made);
    }

    [Fact]
    public async Task Without_if_match_losing_every_attempt_is_a_conflict_naming_what_was_contended()
    {
        var attempts = new Attempts(lost: int.MaxValue);

        var outcome = await OptimisticConcurrency.RetryAsync(null, attempts.RunAsync, "the thing is busy");

        Assert.Equal(OutcomeKind.Conflict, outcome.Kind);
        Assert.Equal("the thing is busy", outcome.Reason);
        Assert.Equal(StatusCodes.Status409Conflict, StatusOf(outcome));
        Assert.Equal(OptimisticConcurrency.Attempts, attempts.Made);
    }
}
