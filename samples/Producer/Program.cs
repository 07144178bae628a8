// Pushes messages from many concurrent producers; the client batches concurrent pushes into batch requests by itself,
// and every call still gets its own id. Run a node (see the README), then:
//   dotnet run --project samples/Producer -- http://127.0.0.1:5680/ default 10000
using System.Diagnostics;
using Spartan.Client;

var url = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5680/");
var queue = args.Length > 1 ? args[1] : "default";
var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000;
const int producers = 16;

await using var client = new SpartanClient(new SpartanClientOptions { BaseAddress = url });
var clock = Stopwatch.StartNew();
var ids = await Task.WhenAll(Enumerable.Range(0, producers).Select(async producer =>
{
    var mine = new List<Guid>();
    // Each producer awaits its own pushes in order; the sixteen together fill the batches.
    for (var i = producer; i < count; i += producers)
        mine.Add(await client.PushAsync(queue, new OutgoingMessage($"resize image {i}.jpg")));
    return mine;
}));

var pushed = ids.Sum(list => list.Count);
Console.WriteLine($"pushed {pushed} messages to {queue} in {clock.Elapsed.TotalSeconds:0.00} s " +
                  $"({pushed / clock.Elapsed.TotalSeconds:0} msg/s); the queue now holds {await client.GetSizeAsync(queue)}");
