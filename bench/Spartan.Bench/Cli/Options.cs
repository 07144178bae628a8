using System.Globalization;

namespace Spartan.Bench.Cli;

/// <summary>The <c>--name value</c> and <c>--flag</c> options of one command, checked against the names it accepts.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private Options() { }

    /// <summary>Parses <paramref name="args"/>; <paramref name="valued"/> take a value, <paramref name="flags"/> do not.</summary>
    public static Options Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        var options = new Options();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (flags.Contains(name)) options._values[name] = null;
            else if (valued.Contains(name))
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value");
                options._values[name] = args[++i];
            }
            else throw new ArgumentException($"unknown option {name}");
        }

        return options;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public long Long(string name, long fallback, long min, long max)
    {
        if (!_values.TryGetValue(name, out var text)) return fallback;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new ArgumentException($"{name}: expected an integer from {min} to {max}, got \"{text}\"");
        return value;
    }

    public int Int(string name, int fallback, int min, int max) => (int)Long(name, fallback, min, max);

    /// <summary>A comma-separated list of integers, each from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public IReadOnlyList<int> Ints(string name, string fallback, int min, int max)
    {
        var text = Text(name) ?? fallback;
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                throw new ArgumentException($"{name}: expected integers from {min} to {max}, separated by commas, got \"{text}\"");
            values.Add(value);
        }

        return values;
    }
}
