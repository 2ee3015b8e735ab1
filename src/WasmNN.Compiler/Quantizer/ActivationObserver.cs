namespace WasmNN.Compiler.Quantizer;

/// <summary>
/// What calibration saw of one activation: its minimum and maximum, and with a percentile a histogram, so a few
/// outliers need not stretch the quantization range of every other value.
/// </summary>
/// <remarks>
/// The histogram has <see cref="Bins"/> equal bins over [-limit, limit]; when a run exceeds the limit it doubles
/// (until it covers the run) and the old counts move to the bins of their centres, as onnxruntime's histogram
/// calibrator merges. The percentile range is [value below which (100 - P)% lie, value below which P% lie],
/// widened to contain 0 by <see cref="QuantizationParameters.ForActivation"/>.
/// </remarks>
public sealed class ActivationObserver
{
    /// <summary>Histogram resolution.</summary>
    public const int Bins = 4096;

    private readonly double? _percentile;
    private long[]? _histogram;
    private float _limit;

    /// <param name="percentile">Keep a histogram and report the P-th percentile range (50 &lt; P &lt;= 100); null for min/max.</param>
    public ActivationObserver(double? percentile = null)
    {
        if (percentile is <= 50 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), $"percentile {percentile}: must be above 50 and at most 100");
        }
        _percentile = percentile;
    }

    /// <summary>The smallest finite value seen (+infinity before any).</summary>
    public float Min { get; private set; } = float.PositiveInfinity;

    /// <summary>The largest finite value seen (-infinity before any).</summary>
    public float Max { get; private set; } = float.NegativeInfinity;

    /// <summary>Finite values seen.</summary>
    public long Count { get; private set; }

    /// <summary>Adds the values of one calibration run; NaN and infinities are ignored.</summary>
    public void Observe(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        long count = 0;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                count++;
            }
        }
        if (count == 0)
        {
            return;
        }
        Min = Math.Min(Min, min);
        Max = Math.Max(Max, max);
        Count += count;
        if (_percentile is not null)
        {
            AddToHistogram(values, Math.Max(Math.Abs(min), Math.Abs(max)));
        }
    }

    /// <summary>The range to quantize to: [Min, Max], or the percentile range; (0, 0) when nothing was seen.</summary>
    public (float Min, float Max) Range()
    {
        if (Count == 0)
        {
            return (0, 0);
        }
        if (_percentile is not { } p || _histogram is null)
        {
            return (Min, Max);
        }
        var outside = Count * (100 - p) / 100;
        var width = 2 * _limit / Bins;
        // The lower bound is the upper edge of the bin where the count from below passes `outside`; symmetric above.
        double below = 0;
        var low = 0;
        while (low < Bins - 1 && below + _histogram[low] <= outside)
        {
            below += _histogram[low++];
        }
        double above = 0;
        var high = Bins - 1;
        while (high > 0 && above + _histogram[high] <= outside)
        {
            above += _histogram[high--];
        }
        var lower = Math.Max(Min, -_limit + (low * width));
        var upper = Math.Min(Max, -_limit + ((high + 1) * width));
        return lower <= upper ? (lower, upper) : (Min, Max);
    }

    private void AddToHistogram(ReadOnlySpan<float> values, float limit)
    {
        if (_histogram is null)
        {
            _histogram = new long[Bins];
            _limit = limit > 0 ? limit : 1;
        }
        else if (limit > _limit)
        {
            var grown = _limit;
            while (grown < limit)
            {
                grown *= 2;
            }
            var rebinned = new long[Bins];
            for (var i = 0; i < Bins; i++)
            {
                var centre = -_limit + ((i + 0.5f) * 2 * _limit / Bins);
                rebinned[BinOf(centre, grown)] += _histogram[i];
            }
            (_histogram, _limit) = (rebinned, grown);
        }
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                _histogram[BinOf(v, _limit)]++;
            }
        }
    }

    private static int BinOf(float value, float limit) => Math.Clamp((int)((value + limit) / (2 * limit) * Bins), 0, Bins - 1);
}
