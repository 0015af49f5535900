"""axe-core (Deque's accessibility engine, the copy shipped in the axe-playwright-python package)
run on the page a browser test has open. One helper for every browser test that checks a page."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python

AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
SERIOUS = ("serious", "critical")


def serious_violations(page, *, exclude: tuple[str, ...] = ()) -> list[str]:
    """The serious and critical violations axe finds on the open page, one line each (rule id, the
    first offending element and axe's help text), empty when the page passes. `exclude` takes CSS
    selectors of parts the page does not own (none today)."""
    # Evaluated, not added as a <script>: the portal's Content-Security-Policy refuses inline
    # scripts, and a test must not weaken it to look at the page.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    # The page is read at rest, as a person reads it: the pointer held over each toast pauses its
    # count (Bootstrap stops the autohide while a toast is hovered), and axe waits until nothing
    # fades. Mid-fade a toast's or a dialog's text is half transparent and fails the contrast
    # rule, which made a busy machine's run fail on a toast and on a dialog that read well.
    # Bootstrap fades a toast in after it drops the class `showing`, so no class says the fade is
    # over: the page is at rest when no finite animation or transition runs on it (a spinner's
    # endless one does not count) and every toast is hidden or fully opaque.
    page.evaluate(
        """() => document.querySelectorAll('#notifications .toast').forEach(
            t => t.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))"""
    )
    page.wait_for_function(
        """() => document.getAnimations().every(
                a => a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity)
            && [...document.querySelectorAll('#notifications .toast')].every(t => {
                const style = getComputedStyle(t);
                return !t.classList.contains('showing')
                    && (style.display === 'none' || style.opacity === '1');
            })"""
    )
    result = page.evaluate(
        """async (exclude) => {
            const context = exclude.length ? {exclude: exclude.map(s => [s])} : document;
            return await axe.run(context, {resultTypes: ['violations']});
        }""",
        list(exclude),
    )
    page.evaluate(
        """() => document.querySelectorAll('#notifications .toast').forEach(
            t => t.dispatchEvent(new MouseEvent('mouseout', {bubbles: true})))"""
    )
    return [
        f"{v['id']}: {v['nodes'][0]['target']} — {v['help']} ({len(v['nodes'])} elements)"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
