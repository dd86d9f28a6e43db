namespace Csp.TestSupport;

/// <summary>The one bounded wait of the tests: for something that happens asynchronously (an event handled, demo data
/// loaded). To assert that something did NOT happen, drain first (<see cref="Drained"/>) and then look, never wait out a time-out.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(10);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultWithin);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, within);

    /// <summary>Waits until <paramref name="read"/> returns a value that satisfies <paramref name="until"/>, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> until, string what, TimeSpan? within = null)
    {
        T value = default!;
        await TrueAsync(async () => until(value = await read()), what, within);
        return value;
    }
}
