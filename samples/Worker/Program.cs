// A worker service that consumes a Spartan queue with SpartanProcessor: each message is handled by a scoped handler,
// deleted when the handler returns and handed back (requeued) when it throws. Run a node (see the README), then:
//   dotnet run --project samples/Worker -- --Spartan:Queue=default
using Spartan.Client;
using Spartan.Samples.Worker;

var builder = Host.CreateApplicationBuilder(args);
var url = builder.Configuration["Spartan:Url"] ?? "http://127.0.0.1:5680/";
var queue = builder.Configuration["Spartan:Queue"] ?? "default";

builder.Services.AddSpartanClient(o =>
{
    o.BaseAddress = new Uri(url);
    o.AccessKey = builder.Configuration["Spartan:AccessKey"]; // null on a node without keys
});
builder.Services.AddSpartanProcessor<ResizeHandler>(queue, o =>
{
    o.MaxConcurrency = 4; // at most four messages in the handler at once
    o.Prefetch = 10;      // reserved ten at a time with one batch pop
});

await builder.Build().RunAsync();
