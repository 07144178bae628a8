using System.Numerics;

namespace Spartan.Bench.Measure;

/// <summary>Latencies in log-linear buckets (HdrHistogram-like): exact below 1024 ns, then 512 buckets per power of two
/// (within 0.2%). One per worker, merged after the phase; not thread-safe.</summary>
internal sealed class LatencyRecorder
{
    private const int Linear = 1024;
    private const int SubBuckets = 512; // per power of two above Linear
    private const int MaxShift = 40;    // up to 2^50 ns, far beyond any phase
    private readonly long[] _counts = new long[Linear + (MaxShift * SubBuckets)];

    public long Count { get; private set; }

    public void Record(long nanoseconds)
    {
        _counts[Index(Math.Max(0, nanoseconds))]++;
        Count++;
    }

    public void Merge(LatencyRecorder other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0…1) in milliseconds; null when nothing was recorded.</summary>
    public double? QuantileMs(double q)
    {
        if (Count == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Value(i) / 1e6;
        }

        return Value(_counts.Length - 1) / 1e6;
    }

    private static int Index(long v)
    {
        if (v < Linear) return (int)v;
        var shift = Math.Min(MaxShift, BitOperations.Log2((ulong)v) - 9); // v >> shift lands in [512, 1024)
        var sub = (int)Math.Min(SubBuckets - 1, (v >> shift) - SubBuckets);
        return Linear + ((shift - 1) * SubBuckets) + sub;
    }

    /// <summary>The middle of bucket <paramref name="index"/>, in nanoseconds.</summary>
    private static double Value(int index)
    {
        if (index < Linear) return index;
        var shift = ((index - Linear) / SubBuckets) + 1;
        var sub = (index - Linear) % SubBuckets;
        return ((long)(sub + SubBuckets) << shift) + ((1L << shift) / 2.0);
    }
}
