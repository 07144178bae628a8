using System.Text;

namespace Spartan.Bench.Client;

/// <summary>Request bodies, built once per phase: bodies are ASCII letters and digits, so no JSON escaping.</summary>
internal static class Payloads
{
    /// <summary>Seconds a "delayed" message waits: far beyond any run, so it stays delayed.</summary>
    public const int LongDelaySeconds = 3600;

    public static string Body(int bytes)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var chars = new char[bytes];
        for (var i = 0; i < bytes; i++) chars[i] = alphabet[(i * 7 + 3) % alphabet.Length];
        return new string(chars);
    }

    /// <summary><c>{"body": …}</c> for <c>POST /{queue}</c>.</summary>
    public static byte[] Push(string body) => Encoding.UTF8.GetBytes(Message(body, delayed: false));

    /// <summary><c>{"messages": [...]}</c> for <c>POST /{queue}/batch</c>; every <paramref name="delayEvery"/>-th message
    /// (0: none) is pushed with a long delay.</summary>
    public static byte[] Batch(string body, int count, int delayEvery = 0)
    {
        var json = new StringBuilder("{\"messages\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) json.Append(',');
            json.Append(Message(body, delayed: delayEvery > 0 && i % delayEvery == delayEvery - 1));
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }

    public static byte[] Delete(string id) => Encoding.UTF8.GetBytes("{\"id\":\"" + id + "\"}");

    public static byte[] DeleteBatch(IReadOnlyList<string> ids) =>
        Encoding.UTF8.GetBytes("{\"ids\":[\"" + string.Join("\",\"", ids) + "\"]}");

    private static string Message(string body, bool delayed) =>
        delayed ? $"{{\"body\":\"{body}\",\"delay\":{LongDelaySeconds}}}" : $"{{\"body\":\"{body}\"}}";
}
