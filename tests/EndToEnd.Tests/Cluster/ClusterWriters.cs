using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests.Cluster;

/// <summary>Clients pushing to whichever node leads, as an application would: a 503 <c>Not primary</c> sends the next
/// try to the node its <c>Spartan-Leader</c> names; a node that cannot be reached, or a 503 without a leader, to the next
/// node. Every push answered 200 is counted by its id: those are the acknowledged writes that must survive.</summary>
internal sealed class ClusterWriters(EtcdCluster cluster) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte> _acknowledged = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private int _refused;

    public IReadOnlyCollection<string> Acknowledged => (IReadOnlyCollection<string>)_acknowledged.Keys;
    public int Count => _acknowledged.Count;
    public int Refused => Volatile.Read(ref _refused);

    public void Start(int writers = 4)
    {
        _running = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w))));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }

    private async Task WriteAsync(int writer)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var target = cluster.Members[writer % cluster.Members.Count].Address;
        var next = writer;
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            try
            {
                using var answer = await http.PostAsync(new Uri(target, "q"),
                    new StringContent($$"""{"body":"w{{writer}}-{{n}}"}"""), _stop.Token);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    var id = (await answer.Content.ReadFromJsonAsync<JsonElement>(_stop.Token)).GetProperty("id").GetString()!;
                    _acknowledged[id] = 0;
                    continue;
                }

                Interlocked.Increment(ref _refused);
                if (answer.Headers.TryGetValues("Spartan-Leader", out var leader) && Uri.TryCreate(leader.First() + "/", UriKind.Absolute, out var uri))
                {
                    target = uri;
                    continue;
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _refused);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }

            // No leader named, or this node is gone: the next one, after a breath.
            target = cluster.Members[++next % cluster.Members.Count].Address;
            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
