namespace Csp.TestSupport;

/// <summary>Files of the repository (e.g. demo/), found from the test binaries by walking up to Csp.slnx.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Demo(string file) => Path.Combine(Root, "demo", file);

    /// <summary>The text of a file of the repository, e.g. a stored document kept beside a test.</summary>
    public static string ReadText(params string[] relative) => File.ReadAllText(Path.Combine([Root, .. relative]));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Csp.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Csp.slnx not found above " + AppContext.BaseDirectory);
    }
}
