using System.Globalization;
using BenchmarkDotNet.Running;
using Harness.Benchmarks;

if (args.Length > 0 && args[0] == FloorRatio.Option)
{
    // Not a BenchmarkDotNet run: the cluster and its floor alternately, in one process or in several (see FloorRatio).
    var rounds = 20;
    var processes = 0;
    var usage = false;
    for (var i = 1; i < args.Length && !usage; i++)
    {
        if (args[i] == FloorRatio.ProcessesOption && i + 1 < args.Length && processes == 0)
        {
            usage = !(int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out processes) && processes > 0);
        }
        else if (i == 1)
        {
            usage = !(int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out rounds) && rounds > 0);
        }
        else
        {
            usage = true;
        }
    }

    if (usage)
    {
        Console.Error.WriteLine($"usage: {FloorRatio.Option} [rounds] [{FloorRatio.ProcessesOption} N], rounds (default 20) and N positive whole numbers");
        return 2;
    }

    if (processes > 0)
    {
        return FloorRatio.RunProcesses(rounds, processes, Console.Out) is null ? 1 : 0;
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
