using System.Globalization;
using System.Text;

namespace Spartan.Bench.Report;

/// <summary>A Markdown table with padded columns, numbers right-aligned.</summary>
internal static class MarkdownTable
{
    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlySet<int> rightAligned)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        Line(text, headers, widths, rightAligned);
        text.Append('|');
        for (var i = 0; i < widths.Length; i++)
            text.Append(rightAligned.Contains(i) ? new string('-', widths[i] + 1) + ":|" : new string('-', widths[i] + 2) + "|");
        text.Append('\n');
        foreach (var row in rows) Line(text, row, widths, rightAligned);
        return text.ToString();
    }

    public static string Number(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    /// <summary>Three significant digits or so: 0.123, 1.23, 12.3, 123.</summary>
    public static string Ms(double? value) => value switch
    {
        null => "–",
        < 1 => Number(value, "0.000"),
        < 10 => Number(value, "0.00"),
        < 100 => Number(value, "0.0"),
        _ => Number(value, "0"),
    };

    private static void Line(StringBuilder text, IReadOnlyList<string> cells, int[] widths, IReadOnlySet<int> rightAligned)
    {
        text.Append('|');
        for (var i = 0; i < cells.Count; i++)
            text.Append(' ').Append(rightAligned.Contains(i) ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i])).Append(" |");
        text.Append('\n');
    }
}
