using WasmNN.Compiler.Quantizer;

namespace WasmNN.Compiler.Tests.Quantizer;

public sealed class ActivationObserverTests
{
    [Fact]
    public void Range_WithoutPercentile_IsMinAndMaxOverAllRuns()
    {
        var observer = new ActivationObserver();
        observer.Observe([1f, -2f, 3f]);
        observer.Observe([0.5f, float.NaN, 7f, float.PositiveInfinity]);

        Assert.Equal((-2f, 7f), observer.Range());
        Assert.Equal(5, observer.Count);
    }

    [Fact]
    public void Range_Percentile_DropsTheOutliersBeyondIt()
    {
        // 10,000 values 0..9999 spread over two runs (the second widens the histogram), plus 10 huge outliers:
        // the 99.5th percentile range cuts the outliers and about 0.4% of each end (numpy.percentile of the 10,010 values: about 50 and 9960).
        var observer = new ActivationObserver(99.5);
        observer.Observe([.. Enumerable.Range(0, 5000).Select(i => (float)i)]);
        observer.Observe([.. Enumerable.Range(5000, 5000).Select(i => (float)i), .. Enumerable.Repeat(1e6f, 10)]);

        var (min, max) = observer.Range();
        // The outliers double the histogram limit from 4999 to 4999 * 2^8, so one bin is 2 * 1279744 / Bins wide.
        var binWidth = 2.0 * 4999 * 256 / ActivationObserver.Bins;
        Assert.InRange(min, 0, 50 + binWidth);
        Assert.InRange(max, 9960 - binWidth, 9960 + binWidth);
    }

    [Fact]
    public void Range_NothingObserved_IsZero() => Assert.Equal((0f, 0f), new ActivationObserver(99.9).Range());
}
