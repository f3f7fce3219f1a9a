using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Explorer;

/// <summary>
/// Every <c>./harness ...</c> line of README.md and docs/*.md (in code blocks and in inline code) is run as a user would
/// paste it from the repository root, in document order, with long budgets cut short, so the docs cannot drift from the
/// program. It runs in a scratch directory that sees the repository's docs/ and scenarios/, so outputs land there.
/// </summary>
[Collection(nameof(ProcessWideSettings))]
public sealed partial class DocsCommandTests(ITestOutputHelper output)
{
    public static TheoryData<string> Documents => new(DocumentNames);

    private static string[] DocumentNames => ["README.md", .. Directory.GetFiles(RepoFiles.PathOf("docs"), "*.md").Order(StringComparer.Ordinal).Select(f => "docs/" + Path.GetFileName(f))];

    /// <summary>The <c>./harness</c> command lines of a Markdown text, in order.</summary>
    public static IReadOnlyList<string> CommandLines(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = new List<string>();
        var inBlock = false;
        foreach (var raw in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                continue;
            }

            if (inBlock)
            {
                if (line.StartsWith("./harness ", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }

                continue;
            }

            lines.AddRange(InlineCommand().Matches(line).Select(m => m.Groups[1].Value));
        }

        return lines;
    }

    /// <summary>The arguments of a documented line with its long budgets cut short; the exit code does not depend on them.</summary>
    public static string[] WithSmallBudgets(string line)
    {
        var args = ShellWords.HarnessArguments(line).ToList();
        void Cap(string flag, int most)
        {
            var i = args.IndexOf(flag);
            if (i >= 0 && int.Parse(args[i + 1], CultureInfo.InvariantCulture) > most)
            {
                args[i + 1] = most.ToString(CultureInfo.InvariantCulture);
            }
        }

        switch (args[0])
        {
            case "model-check" when args.Contains("--io-errors") || args.Contains("--crashes"):
                args.AddRange(["--max-states", "20000"]);
                break;
            case "conform":
                Cap("--sequences", 10);
                Cap("--exhaustive-depth", 2);
                if (!args.Contains("--sequences"))
                {
                    args.AddRange(["--sequences", "10"]);
                }

                break;
            case "nightly":
                // A nightly run lasts its budget: one second is enough to write the whole report.
                if (args.IndexOf("--budget") is var b and >= 0)
                {
                    args[b + 1] = "1s";
                }

                break;
            case "mutants":
                // A mutation run builds a copy of the repository per run: the test checks the line parses, the corpus
                // loads and the mutant it names exists, and runs nothing.
                args.Add("--list");
                if (!args.Contains("--repo"))
                {
                    args.AddRange(["--repo", RepoFiles.Root]);
                }

                break;
            case "interleave":
                if (args.IndexOf("--time") is var t and >= 0)
                {
                    args.RemoveRange(t, 2);
                }

                Cap("--iterations", 20);
                Cap("--seeds", 2);
                if (!args.Contains("--iterations"))
                {
                    args.AddRange(["--iterations", "20"]);
                }

                break;
        }

        return [.. args];
    }

    [Fact]
    public void CommandLines_ReadmeAndDocs_AreFoundInCodeBlocksAndInlineCode()
    {
        var all = DocumentNames.SelectMany(d => CommandLines(File.ReadAllText(RepoFiles.PathOf(d)))).ToList();

        Assert.Contains("./harness model-check --design all", all);
        Assert.Contains(all, l => l.StartsWith("./harness replay docs/examples/seed-window.scenario", StringComparison.Ordinal));
        Assert.True(all.Count >= 15, $"only {all.Count} command lines found");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryCommandLine_PastedFromTheRoot_ExitsZeroOrOne(string document)
    {
        var lines = CommandLines(File.ReadAllText(RepoFiles.PathOf(document)));
        var scratch = Directory.CreateTempSubdirectory("harness-docs-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(scratch, "docs"), RepoFiles.PathOf("docs"));
        Directory.CreateSymbolicLink(Path.Combine(scratch, "scenarios"), RepoFiles.PathOf("scenarios"));
        var before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = scratch;
        try
        {
            foreach (var line in lines)
            {
                var (code, _, err) = CliRunner.Run(WithSmallBudgets(line));

                output.WriteLine($"{code}  {line}");
                Assert.True(code is 0 or 1, $"{document}: '{line}' exited {code}: {err}");
            }
        }
        finally
        {
            Environment.CurrentDirectory = before;
            Directory.Delete(scratch, recursive: true);
        }
    }

    [GeneratedRegex("`(\\./harness [^`]+)`")]
    private static partial Regex InlineCommand();
}
