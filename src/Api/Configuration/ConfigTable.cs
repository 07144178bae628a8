using Tomlyn.Model;

namespace Spartan.Api.Configuration;

/// <summary>
/// A parsed TOML table being validated: typed reads that know the table's key path, so every
/// problem becomes a <see cref="ConfigException"/> shaped <c>file: key.path: what is wrong</c>.
/// </summary>
internal sealed class ConfigTable
{
    private readonly TomlTable _table;

    public ConfigTable(TomlTable table, string path, string file)
    {
        _table = table;
        Path = path;
        File = file;
    }

    /// <summary>Key path of this table; empty for the document root.</summary>
    public string Path { get; }

    /// <summary>Absolute path of the configuration file.</summary>
    public string File { get; }

    public IEnumerable<string> Keys => _table.Keys;

    public string KeyPath(string key) =>
        Path.Length == 0 ? ConfigRules.FormatKey(key) : Path + "." + ConfigRules.FormatKey(key);

    public ConfigException Error(string keyPath, string what) => new($"{File}: {keyPath}: {what}");

    public ConfigException ErrorAt(string key, string what) => Error(KeyPath(key), what);

    /// <summary>Rejects the first key (in file order) that is not in <paramref name="allowed"/>.</summary>
    public void RejectUnknownKeys(params string[] allowed)
    {
        foreach (string key in _table.Keys)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw ErrorAt(key, $"unknown key (expected one of: {string.Join(", ", allowed)})");
            }
        }
    }

    public bool Has(string key) => _table.ContainsKey(key);

    public int PositiveInt(string key, int defaultValue, int max)
    {
        if (!_table.TryGetValue(key, out object? value))
        {
            return defaultValue;
        }

        if (value is not long number || number <= 0)
        {
            throw ErrorAt(key, $"expected a positive integer, got {ConfigRules.Describe(value)}");
        }

        if (number > max)
        {
            throw ErrorAt(key, $"expected a positive integer of at most {max}, got {number}");
        }

        return (int)number;
    }

    public uint? OptionalUInt32(string key)
    {
        if (!_table.TryGetValue(key, out object? value))
        {
            return null;
        }

        return value is long number and >= 0 and <= uint.MaxValue
            ? (uint)number
            : throw ErrorAt(key, $"expected an integer from 0 to {uint.MaxValue}, got {ConfigRules.Describe(value)}");
    }

    public bool Bool(string key, bool defaultValue)
    {
        if (!_table.TryGetValue(key, out object? value))
        {
            return defaultValue;
        }

        return value is bool flag ? flag : throw ErrorAt(key, $"expected true or false, got {ConfigRules.Describe(value)}");
    }

    /// <summary>An optional string, non-empty unless <paramref name="allowEmpty"/>; <paramref name="secret"/> keeps the
    /// value out of messages.</summary>
    public string? OptionalString(string key, bool secret = false, bool allowEmpty = false)
    {
        if (!_table.TryGetValue(key, out object? value))
        {
            return null;
        }

        if (value is not string text)
        {
            throw ErrorAt(key, secret ? "expected a string" : $"expected a string, got {ConfigRules.Describe(value)}");
        }

        return text.Length > 0 || allowEmpty ? text : throw ErrorAt(key, "expected a non-empty string");
    }

    public string RequiredString(string key, string what, bool secret = false) =>
        OptionalString(key, secret) ?? throw ErrorAt(key, $"is required ({what})");

    /// <summary>One of a fixed set of string values, compared exactly.</summary>
    public T Choice<T>(string key, T? defaultValue, params (string Name, T Value)[] choices)
        where T : struct, Enum
    {
        string expected = string.Join(" or ", choices.Select(c => ConfigRules.Quote(c.Name)));
        if (!_table.TryGetValue(key, out object? value))
        {
            return defaultValue ?? throw ErrorAt(key, $"is required ({expected})");
        }

        foreach ((string name, T choice) in choices)
        {
            if (value is string text && string.Equals(text, name, StringComparison.Ordinal))
            {
                return choice;
            }
        }

        throw ErrorAt(key, $"expected {expected}, got {ConfigRules.Describe(value)}");
    }

    /// <summary>A sub-table (<c>[a.b]</c> or inline), or <c>null</c> when the key is absent.</summary>
    public ConfigTable? OptionalTable(string key)
    {
        if (!_table.TryGetValue(key, out object? value))
        {
            return null;
        }

        return value is TomlTable table
            ? new ConfigTable(table, KeyPath(key), File)
            : throw ErrorAt(key, $"expected a table, got {ConfigRules.Describe(value)}");
    }

    /// <summary>The items of an array, or <c>null</c> when the key is absent.</summary>
    public IReadOnlyList<object?>? OptionalArray(string key, string what)
    {
        if (!_table.TryGetValue(key, out object? value))
        {
            return null;
        }

        return value switch
        {
            TomlArray array => [.. array],
            TomlTableArray tables => [.. tables],
            _ => throw ErrorAt(key, $"expected {what}, got {ConfigRules.Describe(value)}"),
        };
    }

    /// <summary>A non-empty array of strings; each item is checked by <paramref name="check"/> (its key path, its value).</summary>
    /// <param name="key">The key.</param>
    /// <param name="what">What the key holds, for messages.</param>
    /// <param name="check">Checks each item (its key path, its value).</param>
    /// <param name="allowEmpty">An empty array is accepted (it is still required).</param>
    public IReadOnlyList<string> StringArray(string key, string what, Action<string, string> check, bool allowEmpty = false)
    {
        IReadOnlyList<object?> items = OptionalArray(key, what) ?? throw ErrorAt(key, $"is required ({what})");
        if (items.Count == 0 && !allowEmpty)
        {
            throw ErrorAt(key, $"expected {what}, got an empty array");
        }

        var result = new List<string>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            string itemPath = $"{KeyPath(key)}[{i}]";
            if (items[i] is not string text)
            {
                throw Error(itemPath, $"expected a string, got {ConfigRules.Describe(items[i])}");
            }

            check(itemPath, text);
            result.Add(text);
        }

        return result.AsReadOnly();
    }
}
