// Puts the browser's time zone into time-zone fields the person has not chosen yet (data-browser-zone="unchosen",
// see Components/Shared/TimeZoneChoices.razor). Without script the field keeps the server's default.
(function () {
    function fill() {
        var zone;
        try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
        if (!zone) { return; }
        document.querySelectorAll('input[data-browser-zone="unchosen"]').forEach(function (input) {
            var known = input.list && Array.prototype.some.call(input.list.options, function (o) { return o.value === zone; });
            if (known) {
                input.value = zone;
                input.setAttribute('data-browser-zone', 'filled');
            }
        });
    }
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', fill); } else { fill(); }
    if (window.Blazor && window.Blazor.addEventListener) { window.Blazor.addEventListener('enhancedload', fill); }
})();
