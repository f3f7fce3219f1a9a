using System.Runtime.InteropServices;
using Harness.Explorer;

// Ctrl-C and SIGTERM ask the running command to stop: it prints what it has, writes its result marked incomplete and exits
// 130. A second signal is left to the runtime's default and ends the process at once.
using var interrupt = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    if (!interrupt.IsCancellationRequested)
    {
        signal.Cancel = true;
        interrupt.Cancel();
    }
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return Cli.Run(args, Console.Out, Console.Error, interrupt.Token);
