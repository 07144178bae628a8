using System.Runtime.InteropServices;
using Spartan.Api.Hosting;

namespace Spartan.Api.Cli;

/// <summary>Catches SIGHUP for the life of a node (SPEC §5): the runtime's default would end the process at once,
/// without the final snapshot. Each signal runs <see cref="Target"/> on the pool; before the node serves there is
/// none yet, and the signal is only noted.</summary>
internal sealed class HangupSignal : IDisposable
{
    private readonly PosixSignalRegistration _registration;
    private readonly TextWriter _error;
    private volatile ConfigReload? _target;

    public HangupSignal(TextWriter error)
    {
        _error = error;
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
    }

    /// <summary>The reload a SIGHUP runs once the node serves.</summary>
    public ConfigReload? Target
    {
        get => _target;
        set => _target = value;
    }

    public void Dispose() => _registration.Dispose();

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_target is not { } target)
        {
            _error.WriteLine("SIGHUP while starting: ignored; send it again once the node serves to reload the configuration.");
            return;
        }

        ThreadPool.QueueUserWorkItem(static t => t.Run(), target, preferLocal: false);
    }
}
