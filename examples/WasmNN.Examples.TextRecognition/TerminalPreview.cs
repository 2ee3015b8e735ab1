using System.Text;

namespace WasmNN.Examples.TextRecognition;

/// <summary>An image drawn with Unicode braille characters (2x4 dots per character): dark pixels become dots.</summary>
public static class TerminalPreview
{
    /// <summary>Renders <paramref name="image"/> at most <paramref name="columns"/> characters wide, keeping its aspect ratio.</summary>
    public static string Render(PngImage image, int columns)
    {
        ArgumentNullException.ThrowIfNull(image);
        var dotsWide = Math.Min(columns * 2, image.Width);
        var scale = (double)image.Width / dotsWide;
        var dotsHigh = Math.Max(4, (int)Math.Round(image.Height / scale));
        var threshold = Threshold(image);
        var text = new StringBuilder();
        for (var row = 0; row < dotsHigh; row += 4)
        {
            for (var column = 0; column < dotsWide; column += 2)
            {
                var bits = 0;
                for (var dy = 0; dy < 4; dy++)
                {
                    for (var dx = 0; dx < 2; dx++)
                    {
                        if (Darkness(image, column + dx, row + dy, scale) > threshold) bits |= Bit(dx, dy);
                    }
                }
                text.Append((char)(0x2800 + bits));
            }
            text.Append('\n');
        }
        // Rows without ink (margins) say nothing.
        var blankRow = new string((char)0x2800, (dotsWide + 1) / 2);
        return string.Join('\n', text.ToString().TrimEnd('\n').Split('\n').SkipWhile(r => r == blankRow).Reverse().SkipWhile(r => r == blankRow).Reverse());
    }

    /// <summary>Braille dot numbering: 1,2,3,7 down the left column, 4,5,6,8 down the right.</summary>
    private static int Bit(int dx, int dy) => dy == 3 ? (dx == 0 ? 0x40 : 0x80) : 1 << (dy + 3 * dx);

    /// <summary>Mean darkness (0..255) of the image cell a dot covers; dots past the image are light.</summary>
    private static double Darkness(PngImage image, int dotX, int dotY, double scale)
    {
        int x0 = (int)(dotX * scale), x1 = Math.Min(image.Width, Math.Max(x0 + 1, (int)((dotX + 1) * scale)));
        int y0 = (int)(dotY * scale), y1 = Math.Min(image.Height, Math.Max(y0 + 1, (int)((dotY + 1) * scale)));
        if (x0 >= image.Width || y0 >= image.Height) return 0;
        double sum = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var o = ((long)y * image.Width + x) * 3;
                sum += 255 - (image.Rgb[o] + image.Rgb[o + 1] + image.Rgb[o + 2]) / 3.0;
            }
        }
        return sum / ((x1 - x0) * (y1 - y0));
    }

    /// <summary>Halfway between the image's lightest and darkest mean, so faint scans still show their ink.</summary>
    private static double Threshold(PngImage image)
    {
        double min = 255, max = 0;
        for (var o = 0; o < image.Rgb.Length; o += 3)
        {
            var darkness = 255 - (image.Rgb[o] + image.Rgb[o + 1] + image.Rgb[o + 2]) / 3.0;
            min = Math.Min(min, darkness);
            max = Math.Max(max, darkness);
        }
        return (min + max) / 2;
    }
}
