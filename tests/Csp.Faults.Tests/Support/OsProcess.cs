using System.Collections.Concurrent;
using System.Diagnostics;

namespace Csp.Faults.Tests.Support;

/// <summary>
/// A child OS process of the suite (a service's <c>dotnet &lt;dll&gt;</c> or redis-server) that can be killed with SIGKILL
/// and started again with the same command, environment and log file. Every process ever started is killed when the
/// test host exits, even if a test failed before disposing its platform.
/// </summary>
public sealed class OsProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static OsProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values) KillQuietly(process);
        };
    }

    private readonly ProcessStartInfo _start;
    private readonly string _logPath;
    private readonly object _logLock = new();
    private readonly StreamWriter _log;
    private bool _closed;
    private Process? _process;

    public OsProcess(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment, string logDirectory)
    {
        Name = name;
        _start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) _start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) _start.Environment[key] = value;
        _logPath = Path.Combine(logDirectory, name + ".log");
        _log = new StreamWriter(new FileStream(_logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string Name { get; }

    /// <summary>Everything the process wrote to stdout and stderr, across every start.</summary>
    public string LogPath => _logPath;

    public int Starts { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is already running");
        var process = new Process { StartInfo = _start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start {Name}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Running[process.Id] = process;
        _process = process;
        Starts++;
        Append($"---- {Name} started (pid {process.Id}, start {Starts}) ----");
    }

    /// <summary><c>kill -9</c>: SIGKILL to the process, no shutdown of any kind; returns once it has exited.</summary>
    public void KillHard()
    {
        if (_process is null) return;
        KillQuietly(_process);
        _process.WaitForExit(10_000);
        Running.TryRemove(_process.Id, out _);
        Append($"---- {Name} killed with SIGKILL ----");
    }

    public string LogText()
    {
        lock (_logLock)
        {
            using var reader = new StreamReader(new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd();
        }
    }

    public string LogTail(int lines = 40) => string.Join('\n', LogText().Split('\n').TakeLast(lines));

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            if (!_closed) _log.WriteLine(line);
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            // Process.Kill sends SIGKILL on Unix.
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    public void Dispose()
    {
        if (IsRunning) KillHard();
        _process?.Dispose();
        lock (_logLock)
        {
            _closed = true;
            _log.Dispose();
        }
    }
}
