namespace Csp.Kpi.Tests.Domain.Imports;

/// <summary>The sample files of tests/Csp.Kpi.Tests/Samples, copied beside the test assembly.</summary>
internal static class Samples
{
    public static string Read(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Samples", name);
        Assert.True(File.Exists(path), $"sample {path} is not beside the tests: the test project copies Samples/** to its output");
        return File.ReadAllText(path);
    }
}
