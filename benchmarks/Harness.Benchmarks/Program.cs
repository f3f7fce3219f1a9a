using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is offered; pass --filter to pick, --job short for a quick run.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
