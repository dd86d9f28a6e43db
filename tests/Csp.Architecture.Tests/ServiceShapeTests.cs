using System.Text.RegularExpressions;
using Csp.TestSupport;

namespace Csp.Architecture.Tests;

/// <summary>
/// The rules of docs/new-service.md, read off the sources of every service under services/ (so a new service is checked
/// the day it is added): the folders, which folder may use which, who writes, who decides events.
/// </summary>
public partial class ServiceShapeTests
{
    private static readonly string[] Folders = ["Domain", "Storage", "Commands", "Events", "Api", "DemoData"];

    /// <summary>Which of the service's own folders each folder may use. Dependencies run one way.</summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Domain"] = [],
        ["Storage"] = ["Domain"],
        ["Commands"] = ["Domain", "Storage"],
        ["Events"] = ["Commands", "Domain", "Storage"],
        ["Api"] = ["Commands", "Domain", "Storage"],
        ["DemoData"] = ["Commands", "Domain", "Storage"],
    };

    /// <summary>What the domain may use besides the BCL and itself: plain values and rules, no Redis, HTTP or events
    /// (Partnerships: the partnership copy's record and its rule, shared by every service that keeps one).</summary>
    private static readonly string[] DomainMayUse = ["System", "Csp.BuildingBlocks.Validation", "Csp.BuildingBlocks.Time", "Csp.BuildingBlocks.Auth", "Csp.BuildingBlocks.Partnerships"];

    private static IReadOnlyList<string> ServiceNames() =>
        Directory.GetDirectories(Path.Combine(RepoPaths.Root, "services")).Select(Path.GetFileName).OfType<string>()
            .Where(name => name is not ("BuildingBlocks" or "Contracts")).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Services() => new(ServiceNames());

    [Fact]
    public void Both_services_are_checked() => Assert.Superset(new HashSet<string> { "ActionPlan", "Risk" }, ServiceNames().ToHashSet());

    [Theory, MemberData(nameof(Services))]
    public void A_service_has_the_skeleton(string service)
    {
        var root = ProjectDir(service);
        foreach (var folder in new[] { "Domain", "Storage", "Commands", "Events", "Api" })
            Assert.True(Directory.Exists(Path.Combine(root, folder)), $"{service} has no {folder}/ folder");
        Assert.True(File.Exists(Path.Combine(root, "Program.cs")), $"{service} has no Program.cs");
        Assert.True(File.Exists(Path.Combine(root, $"{service}App.cs")), $"{service} has no {service}App.cs");
        Assert.True(File.Exists(Path.Combine(root, "Commands", $"{service}Commands.cs")), $"{service} has no Commands/{service}Commands.cs");
    }

    [Theory, MemberData(nameof(Services))]
    public void Dependencies_between_folders_run_one_way(string service)
    {
        var ns = $"Csp.{service}";
        var violations = new List<string>();
        foreach (var (folder, file, text) in Sources(service))
        {
            if (folder is null) continue;
            foreach (var other in Folders.Where(f => f != folder && !MayUse[folder].Contains(f)))
                if (Regex.IsMatch(text, $@"\b{Regex.Escape(ns)}\.{other}\b"))
                    violations.Add($"{Relative(file)} ({folder}) uses {other}");
        }
        Assert.Empty(violations);
    }

    [Theory, MemberData(nameof(Services))]
    public void The_domain_uses_only_plain_values_and_rules(string service)
    {
        var violations = new List<string>();
        foreach (var (folder, file, text) in Sources(service).Where(s => s.Folder == "Domain"))
        {
            foreach (Match m in UsingPattern().Matches(text))
            {
                var used = m.Groups[1].Value;
                if (used.StartsWith($"Csp.{service}.Domain", StringComparison.Ordinal)) continue;
                if (!DomainMayUse.Any(allowed => used == allowed || used.StartsWith(allowed + ".", StringComparison.Ordinal)))
                    violations.Add($"{Relative(file)} uses {used}");
            }
            foreach (var forbidden in new[] { "Csp.BuildingBlocks.Http", "Csp.BuildingBlocks.Redis", "Csp.BuildingBlocks.EventBus", "Csp.Contracts", "StackExchange.Redis", "Microsoft.AspNetCore" })
                if (text.Contains(forbidden + ".", StringComparison.Ordinal)) violations.Add($"{Relative(file)} names {forbidden}");
        }
        Assert.Empty(violations);
    }

    [Theory, MemberData(nameof(Services))]
    public void Only_storage_touches_Redis_and_only_commands_decide_events(string service)
    {
        var violations = new List<string>();
        foreach (var (folder, file, text) in Sources(service))
        {
            if (folder != "Storage" && (text.Contains("AggregateWriter", StringComparison.Ordinal) || text.Contains("StackExchange.Redis", StringComparison.Ordinal)))
                violations.Add($"{Relative(file)} ({folder ?? "root"}) touches Redis");
            if (folder != "Commands" && text.Contains("PendingEvent.Of", StringComparison.Ordinal))
                violations.Add($"{Relative(file)} ({folder ?? "root"}) decides an event");
        }
        Assert.Empty(violations);
    }

    [Theory, MemberData(nameof(Services))]
    public void Every_write_goes_through_the_commands(string service)
    {
        var violations = new List<string>();
        foreach (var (folder, file, text) in Sources(service).Where(s => s.Folder is "Api" or "Events" or "DemoData"))
            foreach (Match m in SavePattern().Matches(text))
                violations.Add($"{Relative(file)} ({folder}) calls {m.Value}");
        Assert.Empty(violations);
    }

    [Theory, MemberData(nameof(Services))]
    public void Partnership_access_is_not_written_again(string service)
    {
        var violations = Sources(service)
            .Where(s => s.Text.Contains("CheckReadAsync", StringComparison.Ordinal) || s.Text.Contains("CanRead(", StringComparison.Ordinal))
            .Select(s => Relative(s.File)).ToList();
        Assert.Empty(violations);
    }

    private static string ProjectDir(string service) => Path.Combine(RepoPaths.Root, "services", service, $"Csp.{service}");

    private static IEnumerable<(string? Folder, string File, string Text)> Sources(string service)
    {
        var root = ProjectDir(service);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal)) continue;
            var top = relative.Contains(Path.DirectorySeparatorChar) ? relative[..relative.IndexOf(Path.DirectorySeparatorChar)] : null;
            yield return (top is not null && Folders.Contains(top) ? top : null, file, StripComments(File.ReadAllText(file)));
        }
    }

    private static string StripComments(string text) => CommentPattern().Replace(text, "");

    private static string Relative(string file) => Path.GetRelativePath(RepoPaths.Root, file);

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?([A-Za-z0-9_.]+)\s*;", RegexOptions.Multiline)] private static partial Regex UsingPattern();

    [GeneratedRegex(@"\b\w+\.Save\w*Async\(")] private static partial Regex SavePattern();

    [GeneratedRegex(@"//.*?$|/\*.*?\*/", RegexOptions.Multiline | RegexOptions.Singleline)] private static partial Regex CommentPattern();
}
