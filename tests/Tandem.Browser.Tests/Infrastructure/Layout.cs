using Microsoft.Playwright;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// "Fits a phone", measured in the browser as a person holding one would notice it: the page does not scroll sideways,
/// nothing sticks out past the right edge of the screen (where it would be cut off), and every control a thumb has to hit
/// is at least 44 x 44 CSS px (WCAG 2.1 success criterion 2.5.5, Target Size).
/// </summary>
public static class Layout
{
    /// <summary>The smallest target, in CSS px, that a finger hits reliably (WCAG 2.5.5; Apple's and Google's guides agree).</summary>
    public const int MinimumTarget = 44;

    // Runs in the page. What counts as a target and what is exempt:
    // - a[href], button, select, textarea, summary, [role=button] and every input that is not type=hidden;
    // - elements that are not rendered (display:none, a closed <details>, the folded phone menu), invisible, or parked off
    //   the screen on purpose (the skip link until it has focus) are not targets a person can see;
    // - a checkbox or radio is hit through its label as well (a click on the label toggles it, including the phone menu's
    //   see-through checkbox), so its target is the box around the input and its labels together;
    // - WCAG 2.5.5's "inline" exception: a link inside a sentence of running text cannot be 44 px tall without pulling the
    //   lines of the paragraph apart. We take "inside a sentence" to mean: the link is laid out inline, its nearest block is
    //   a <p> (our pages write prose only in paragraphs), and that paragraph has words outside the link. A link alone in a
    //   paragraph, a list item, a table cell, the menu or a toolbar is a target on its own and is held to 44 px.
    private const string FindSmallTargets = """
        (minimum) => {
          const name = el => {
            const label = el.labels && el.labels.length > 0 ? el.labels[0].innerText : '';
            const text = (el.getAttribute('aria-label') || label || el.innerText || el.value || el.getAttribute('name') || el.id || '').trim().replace(/\s+/g, ' ');
            const what = el.tagName.toLowerCase() + (el.type && el.tagName === 'INPUT' ? `[type=${el.type}]` : '') + (el.id ? `#${el.id}` : '');
            return `${what} "${text.length > 50 ? text.slice(0, 49) + '…' : text}"`;
          };
          const isInlineInSentence = el => {
            if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
            let block = el.parentElement;
            while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
            if (!block || block.tagName !== 'P') return false;
            return block.innerText.replace(el.innerText, '').replace(/[\s·|,;:.\-–—()]/g, '').length > 0;
          };
          const problems = [];
          const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
          for (const el of document.querySelectorAll(selector)) {
            const style = getComputedStyle(el);
            let box = el.getBoundingClientRect();
            if (box.width === 0 && box.height === 0) continue;
            if (el.closest('[hidden], [aria-hidden=true]')) continue;
            if (box.right + window.scrollX <= 0 || box.bottom + window.scrollY <= 0) continue;
            const isToggle = el.tagName === 'INPUT' && (el.type === 'checkbox' || el.type === 'radio');
            if (isToggle) {
              let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
              for (const label of el.labels || []) {
                const l = label.getBoundingClientRect();
                if (l.width === 0 && l.height === 0) continue;
                left = Math.min(left, l.left); top = Math.min(top, l.top); right = Math.max(right, l.right); bottom = Math.max(bottom, l.bottom);
              }
              box = { width: right - left, height: bottom - top };
            } else if (style.visibility === 'hidden' || Number(style.opacity) === 0) {
              continue;
            }
            if (isInlineInSentence(el)) continue;
            // Half a pixel of rounding (rem-based sizes) is not a smaller target.
            if (box.width + 0.5 < minimum || box.height + 0.5 < minimum) {
              problems.push(`${name(el)} is ${Math.round(box.width)}x${Math.round(box.height)} px`);
            }
          }
          return problems;
        }
        """;

    // Runs in the page: the page's own width, and the innermost elements whose right edge is past the screen's (clipped or
    // scrolled to), named by their text so the report says what to fix.
    private const string FindOverflow = """
        () => {
          const width = document.documentElement.clientWidth;
          const problems = [];
          const scrollWidth = document.documentElement.scrollWidth;
          if (scrollWidth > width) problems.push(`the page is ${scrollWidth}px wide on a ${width}px screen: it scrolls sideways`);
          const sticksOut = el => {
            const box = el.getBoundingClientRect();
            if (box.width <= 1 || box.height === 0 || box.right <= width + 1 || box.right + window.scrollX <= 0) return false;
            return getComputedStyle(el).visibility !== 'hidden';
          };
          const seen = new Set();
          for (const el of document.body.querySelectorAll('*')) {
            if (seen.size >= 5 || !sticksOut(el) || Array.from(el.children).some(sticksOut)) continue;
            const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 50);
            const key = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''} "${text}"`;
            if (!seen.has(key)) { seen.add(key); problems.push(`${key} reaches ${Math.round(el.getBoundingClientRect().right)}px, past the ${width}px screen`); }
          }
          return problems;
        }
        """;

    /// <summary>Every visible control smaller than 44 x 44 CSS px, named with its text and size (empty when all are big enough).</summary>
    public static async Task<IReadOnlyList<string>> SmallTouchTargetsAsync(IPage page) =>
        await Timing.TimeAsync("layout-small", () => page.EvaluateAsync<string[]>(FindSmallTargets, MinimumTarget));

    /// <summary>Whether the page scrolls sideways, and what sticks out past the right edge of the screen (empty when it fits).</summary>
    public static async Task<IReadOnlyList<string>> SidewaysOverflowAsync(IPage page) =>
        await Timing.TimeAsync("layout-overflow", () => page.EvaluateAsync<string[]>(FindOverflow));

    /// <summary>Both checks on the page as it is now: one line per problem, each starting with the page's address.</summary>
    public static async Task<IReadOnlyList<string>> PhoneProblemsAsync(IPage page)
    {
        var path = new Uri(page.Url).PathAndQuery;
        var width = page.ViewportSize?.Width;
        var overflow = await SidewaysOverflowAsync(page);
        var small = await SmallTouchTargetsAsync(page);
        return [
            .. overflow.Select(problem => $"{path} at {width} px: {problem}."),
            .. small.Select(problem => $"{path} at {width} px: touch target {problem}, under {MinimumTarget}x{MinimumTarget}."),
        ];
    }

    /// <summary>Fails naming every problem <see cref="PhoneProblemsAsync"/> finds.</summary>
    public static async Task AssertFitsAPhoneAsync(IPage page)
    {
        var problems = await PhoneProblemsAsync(page);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
