// Live conversations (Features/Conversations/Pages/ConversationPage.razor, decision record 47). The page works without
// this script: the form posts and the page reloads. With it, the page follows the conversation over SignalR: messages
// sent by others appear as they arrive, "Seen by" follows the others' reading, and after a lost connection the page asks
// for every message after the last number it shows, so nothing is missed or shown twice.
(function () {
    var connection = null;
    var linkPattern = /\bhttps?:\/\/[^\s<>"']+/gi;

    function stop() {
        if (connection) { connection.stop(); connection = null; }
    }

    function loadClient(src, then) {
        if (window.signalR) { then(); return; }
        var script = document.createElement('script');
        script.src = src;
        script.onload = then;
        document.head.appendChild(script);
    }

    function follow() {
        stop();
        var root = document.querySelector('[data-conversation]');
        if (!root) { return; }
        loadClient(root.getAttribute('data-signalr'), function () { start(root); });
    }

    function start(root) {
        var id = root.getAttribute('data-conversation');
        var me = root.getAttribute('data-me');
        var zone = root.getAttribute('data-zone') || undefined;
        var list = root.querySelector('[data-messages]');
        var live = root.querySelector('[data-live]');
        var seenLine = root.querySelector('[data-seen]');
        var last = Number(root.getAttribute('data-latest') || '0');
        // Only the newest stretch follows the conversation; a page scrolled back stays as it is.
        if (/[?&]before=/.test(window.location.search)) { return; }
        var shown = {};
        list.querySelectorAll('[data-number]').forEach(function (li) { shown[li.getAttribute('data-number')] = true; });
        var reads = {};
        var myLatest = 0;
        list.querySelectorAll('li.mine[data-number]').forEach(function (li) { myLatest = Math.max(myLatest, Number(li.getAttribute('data-number'))); });
        var names = {};

        var format;
        try {
            format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
        } catch (e) {
            format = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
        }

        function text(parent, value) {
            var at = 0, match;
            linkPattern.lastIndex = 0;
            while ((match = linkPattern.exec(value)) !== null) {
                var url = match[0].replace(/[.,;:!?)\]]+$/, '');
                if (match.index > at) { parent.appendChild(document.createTextNode(value.slice(at, match.index))); }
                var a = document.createElement('a');
                a.href = url;
                a.rel = 'noopener noreferrer nofollow ugc';
                a.target = '_blank';
                a.textContent = url;
                parent.appendChild(a);
                at = match.index + url.length;
                linkPattern.lastIndex = at;
            }
            if (at < value.length) { parent.appendChild(document.createTextNode(value.slice(at))); }
        }

        function size(bytes) {
            return bytes >= 1048576 ? (Math.round(bytes / 104857.6) / 10) + ' MB' : Math.max(1, Math.floor(bytes / 1024)) + ' KB';
        }

        function add(m) {
            if (m.relationshipId !== id || shown[m.number]) { return; }
            shown[m.number] = true;
            names[m.senderUserId] = m.senderName;
            var li = document.createElement('li');
            li.id = 'm' + m.number;
            li.setAttribute('data-number', m.number);
            li.className = 'message ' + (m.senderUserId === me ? 'mine' : 'theirs');
            var meta = document.createElement('p');
            meta.className = 'meta';
            var who = document.createElement('strong');
            who.textContent = m.senderUserId === me ? 'You' : m.senderName;
            var time = document.createElement('time');
            time.setAttribute('datetime', m.sentAt);
            time.textContent = format.format(new Date(m.sentAt)).replace(' at ', ', ');
            meta.appendChild(who);
            meta.appendChild(document.createTextNode(' '));
            meta.appendChild(time);
            li.appendChild(meta);
            if (m.body) {
                var body = document.createElement('p');
                body.className = 'pre-line';
                text(body, m.body);
                li.appendChild(body);
            }
            if (m.attachment) {
                var p = document.createElement('p');
                var link = document.createElement('a');
                link.href = m.attachment.url;
                link.setAttribute('download', '');
                link.textContent = 'Attachment: ' + m.attachment.name;
                var muted = document.createElement('span');
                muted.className = 'muted';
                muted.textContent = ' (' + size(m.attachment.size) + ')';
                p.appendChild(link);
                p.appendChild(muted);
                li.appendChild(p);
            }
            // In number order, whatever order they arrive in.
            var after = null;
            list.querySelectorAll('[data-number]').forEach(function (other) {
                if (Number(other.getAttribute('data-number')) > m.number && after === null) { after = other; }
            });
            list.insertBefore(li, after);
            var empty = root.querySelector('[data-empty]');
            if (empty) { empty.remove(); }
            last = Math.max(last, m.number);
            if (m.senderUserId === me) { myLatest = Math.max(myLatest, m.number); }
            showSeen();
            markRead();
        }

        function showSeen() {
            if (!seenLine || myLatest === 0) { return; }
            var seen = [];
            Object.keys(reads).forEach(function (user) {
                if (user !== me && reads[user].upTo >= myLatest) { seen.push(reads[user].name || names[user] || 'your partner'); }
            });
            seen.sort();
            seenLine.textContent = seen.length ? 'Seen by ' + seen.join(', ') : '';
        }

        var marking = false;
        function markRead() {
            if (document.visibilityState !== 'visible' || last === 0 || marking) { return; }
            marking = true;
            fetch('/api/v1/relationships/' + id + '/conversation/read', {
                method: 'POST', credentials: 'same-origin',
                headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
                body: JSON.stringify({ upTo: last })
            }).catch(function () { }).then(function () { marking = false; });
        }

        function catchUp() {
            return fetch('/api/v1/relationships/' + id + '/conversation?after=' + last + '&limit=100', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
                .then(function (response) { return response.ok ? response.json() : null; })
                .then(function (page) {
                    if (!page) { return; }
                    page.members.forEach(function (member) { reads[member.userId] = { upTo: member.lastReadNumber, name: member.displayName }; });
                    page.items.forEach(add);
                    showSeen();
                    if (page.hasNewer) { return catchUp(); }
                });
        }

        function say(message) { if (live) { live.textContent = message; } }

        connection = new signalR.HubConnectionBuilder().withUrl('/hubs/conversations').withAutomaticReconnect().build();
        connection.on('message', add);
        connection.on('read', function (read) {
            if (read.relationshipId !== id) { return; }
            var known = reads[read.userId] || { upTo: 0 };
            reads[read.userId] = { upTo: Math.max(known.upTo, read.lastReadNumber), name: known.name };
            showSeen();
        });
        connection.onreconnecting(function () { say('Connection lost: reconnecting…'); });
        connection.onreconnected(function () {
            connection.invoke('Follow', id).then(catchUp).then(function () { say('Live: new messages appear as they arrive.'); });
        });
        connection.onclose(function () { say('Not live: reload the page to see new messages.'); });
        connection.start()
            .then(function () { return connection.invoke('Follow', id); })
            .then(catchUp)
            .then(function () { root.setAttribute('data-following', 'true'); say('Live: new messages appear as they arrive.'); })
            .catch(function () { say('Not live: reload the page to see new messages.'); });
        document.addEventListener('visibilitychange', markRead);
    }

    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', follow); } else { follow(); }
    if (window.Blazor && window.Blazor.addEventListener) { window.Blazor.addEventListener('enhancedload', follow); }
})();
