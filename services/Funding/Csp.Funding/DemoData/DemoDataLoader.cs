using Csp.BuildingBlocks.DemoData;
using Csp.Funding.Commands;
using Microsoft.Extensions.Options;

namespace Csp.Funding.DemoData;

/// <summary>Loads demo/funding.json through the commands (see <see cref="LoadAsync"/>).</summary>
public sealed class DemoDataLoader(FundingCommands commands, IOptions<DemoDataOptions> options, ILogger<DemoDataLoader> logger) : IDemoDataLoader
{
    public Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return Task.FromResult(0);
        logger.LogInformation("Funding demo data: not yet implemented ({Commands})", commands.GetType().Name);
        return Task.FromResult(0);
    }
}
