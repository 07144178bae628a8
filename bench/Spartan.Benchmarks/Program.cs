using BenchmarkDotNet.Running;

namespace Spartan.Benchmarks;

/// <summary>BenchmarkDotNet entry point: <c>dotnet run -c Release --project bench/Spartan.Benchmarks -- --filter '*'</c>
/// (see bench/README.md). Arguments go to BenchmarkDotNet's switcher (filters, exporters, job overrides).</summary>
internal static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, EngineConfig.Create());
}
