using System.Globalization;
using BenchmarkDotNet.Running;
using Harness.Benchmarks;

if (args.Length > 0 && args[0] == FloorRatio.Option)
{
    // Not a BenchmarkDotNet run: the cluster and its floor alternately, in one process (see FloorRatio).
    var rounds = 20;
    if (args.Length > 2 || (args.Length == 2 && !(int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out rounds) && rounds > 0)))
    {
        Console.Error.WriteLine($"usage: {FloorRatio.Option} [rounds], rounds a positive whole number (default 20)");
        return 2;
    }

    // Coyote writes its own progress lines to the console; only the results are shown.
    var console = Console.Out;
    Console.SetOut(TextWriter.Null);
    try
    {
        FloorRatio.Run(rounds, console);
    }
    finally
    {
        Console.SetOut(console);
    }

    return 0;
}

// Every benchmark class in this assembly is offered; pass --filter to pick, --job short for a quick run.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
