using Harness.Explorer;

return Cli.Run(args, Console.Out, Console.Error);
