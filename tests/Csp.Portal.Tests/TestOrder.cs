using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Csp.Portal.Tests.TestOrder", "Csp.Portal.Tests")]
[assembly: TestCaseOrderer("Csp.Portal.Tests.TestOrder+CaseOrder", "Csp.Portal.Tests")]

namespace Csp.Portal.Tests;

/// <summary>
/// The browser journeys share one platform (one Redis keyspace, one set of demo records), so a journey must not depend
/// on what another did before it. To show that, the order is a switch: <c>PORTAL_TEST_ORDER=reverse</c> runs the test
/// classes, and the tests in each class, in the reverse of the usual order; <c>PORTAL_TEST_ORDER=&lt;number&gt;</c>
/// shuffles both with that seed. Unset, xunit's own order is kept. The order used is written to the test output
/// (<c>PORTAL_TEST_ORDER ...</c> on stderr of the test host, shown with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed class TestOrder(IMessageSink sink) : XunitTestFramework(sink)
{
    public static string? Setting => Environment.GetEnvironmentVariable("PORTAL_TEST_ORDER");

    public static IEnumerable<T> Arrange<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var list = items.ToList();
        return Setting switch
        {
            null or "" => list,
            "reverse" => list.AsEnumerable().Reverse(),
            var s when int.TryParse(s, out var seed) => list.OrderBy(i => StableHash(key(i), seed)),
            _ => list,
        };
    }

    private static int StableHash(string text, int seed)
    {
        unchecked
        {
            var h = 2166136261u ^ (uint)seed;
            foreach (var c in text) h = (h ^ c) * 16777619u;
            return (int)h;
        }
    }

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) => new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName name, ISourceInformationProvider source, IMessageSink sink) : XunitTestFrameworkExecutor(name, source, sink)
    {
        protected override void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            // Classes run in the order their first test case comes: order the cases by class, then arrange the classes.
            var byClass = testCases.GroupBy(c => c.TestMethod.TestClass.Class.Name).ToList();
            var ordered = Arrange(byClass, g => g.Key).SelectMany(g => g).ToList();
            if (!string.IsNullOrEmpty(Setting))
                Console.Error.WriteLine($"PORTAL_TEST_ORDER {Setting}: classes {string.Join(", ", ordered.Select(c => c.TestMethod.TestClass.Class.Name.Split('.')[^1]).Distinct())}");
            base.RunTestCases(ordered, executionMessageSink, executionOptions);
        }
    }

    /// <summary>The tests of a class: xunit's default order, or arranged as the switch says.</summary>
    public sealed class CaseOrder : ITestCaseOrderer
    {
        private readonly DefaultTestCaseOrderer _default = new(new NullMessageSink());

        public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase
        {
            var ordered = _default.OrderTestCases(testCases);
            return string.IsNullOrEmpty(Setting) ? ordered : Arrange(ordered, c => c.TestMethod.Method.Name);
        }
    }
}
