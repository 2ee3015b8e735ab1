namespace WasmNN.Kernels.Tests;

/// <summary>Seeded random inputs and tolerant comparisons.</summary>
internal static class TestData
{
    /// <summary>
    /// Runs the finalizers of tensors earlier tests left undisposed, so an allocation count read after it cannot drop
    /// when one of them is finalized (their blocks are freed on the library's next allocation or count).
    /// </summary>
    public static void SettleFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    public static float[] Floats(Random random, int length, float range = 4f) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1) * range)];

    public static int[] Ints(Random random, int length, int min = int.MinValue, int max = int.MaxValue) =>
        [.. Enumerable.Range(0, length).Select(_ => (int)random.NextInt64(min, (long)max + 1))];

    public static sbyte[] SBytes(Random random, int length, int min = -128, int max = 127) =>
        [.. Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(min, max + 1))];

    /// <summary>Random values of T; <paramref name="nonZero"/> avoids 0 (integer divisors).</summary>
    public static T[] Random<T>(Random random, int length, bool nonZero = false)
    {
        object values = typeof(T) == typeof(float) ? Floats(random, length)
            : typeof(T) == typeof(int) ? Ints(random, length, -1_000_000, 1_000_000)
            : SBytes(random, length);
        var result = (T[])values;
        if (nonZero)
        {
            for (int i = 0; i < result.Length; i++)
            {
                if (EqualityComparer<T>.Default.Equals(result[i], default)) result[i] = (T)Convert.ChangeType(3, typeof(T));
            }
        }
        return result;
    }

    public static int Product(ReadOnlySpan<int> shape)
    {
        int p = 1;
        foreach (int d in shape) p *= d;
        return p;
    }

    /// <summary>|actual - expected| &lt;= absolute + relative |expected| elementwise, NaN matching NaN.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double absolute, double relative = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.True(float.IsNaN(actual[i]), $"element {i}: expected NaN, got {actual[i]}");
                continue;
            }
            if (double.IsInfinity(expected[i]))
            {
                Assert.Equal(expected[i], actual[i]);
                continue;
            }
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= absolute + relative * Math.Abs(expected[i]), $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2})");
        }
    }
}
