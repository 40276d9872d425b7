// Follows a matching run the page shows as under way (data-matching-run="<the run's API address>", see
// Features/Matching/Pages/MatchDraftPage.razor): every 1.5 s it reads the run, updates the step shown, and opens the
// page again when the run has finished, so the draft appears. Without script the page offers a "Check again" link.
(function () {
    var timer = null;
    function watch() {
        if (timer) { clearInterval(timer); timer = null; }
        var panel = document.querySelector('[data-matching-run]');
        if (!panel) { return; }
        var url = panel.getAttribute('data-matching-run');
        var text = panel.querySelector('[data-run-description]');
        var bar = panel.querySelector('progress');
        timer = setInterval(function () {
            fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
                .then(function (response) { return response.ok ? response.json() : null; })
                .then(function (run) {
                    if (!run) { return; }
                    if (text && text.textContent !== run.description) { text.textContent = run.description; }
                    if (bar) { bar.value = run.step; }
                    if (run.status !== 'Queued' && run.status !== 'Running') {
                        clearInterval(timer);
                        timer = null;
                        window.location.assign(window.location.pathname);
                    }
                })
                .catch(function () { /* offline for a moment: the next tick tries again */ });
        }, 1500);
    }
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', watch); } else { watch(); }
    if (window.Blazor && window.Blazor.addEventListener) { window.Blazor.addEventListener('enhancedload', watch); }
})();
