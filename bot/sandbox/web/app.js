// The sandbox page: pick a persona, open one of their chats, talk to Pulse. No framework, no
// build step. Every piece of text goes through textContent and is never parsed as HTML; the bot's
// bold and links arrive as spans parsed on the server and become <strong>/<em>/<a> elements here.
(() => {
  const STRINGS = {
    vi: {
      subtitle: 'Sandbox',
      actingAs: 'Bạn đang là',
      choose: '— Chọn một người —',
      chats: 'Cuộc trò chuyện',
      welcomeTitle: 'Thử Pulse ngay trên máy này',
      welcomeText:
        'Chọn một người để đóng vai: người lao động, bí thư chi bộ, cộng tác viên hay quản trị. Bạn sẽ thấy các nhóm của đơn vị họ và tin nhắn riêng với Pulse.',
      noPersonas:
        'Chưa có ai có tài khoản sandbox. Hãy áp dụng một kịch bản có "identities: { sandbox: … }".',
      placeholder: 'Nhắn tin… (/help: các lệnh)',
      send: 'Gửi',
      dm: 'Pulse — nhắn riêng',
      dmSub: 'Chỉ bạn và Pulse thấy',
      group: 'Nhóm',
      unbound: 'chưa gắn đơn vị',
      empty: 'Chưa có tin nhắn. Gõ /help để bắt đầu.',
      edited: 'đã sửa',
      onlyYou: 'chỉ bạn thấy',
      you: 'Bạn',
      bot: 'Pulse',
      wholeOrg: 'toàn tổ chức',
      noRole: 'chưa có vai trò',
      close: 'Đóng',
      download: 'Tải về {name}',
      openImage: 'Mở ảnh {name} cỡ đầy đủ',
      error: 'Lỗi: {message}',
      'role.admin': 'Quản trị',
      'role.leader': 'Lãnh đạo đơn vị',
      'role.collaborator': 'Cộng tác viên',
      'role.worker': 'Người lao động',
    },
    en: {
      subtitle: 'Sandbox',
      actingAs: 'You are',
      choose: '— Pick a person —',
      chats: 'Chats',
      welcomeTitle: 'Try Pulse on this machine',
      welcomeText:
        "Pick someone to act as: a worker, a cell's leader, a collaborator or an admin. You will see their units' groups and their private chat with Pulse.",
      noPersonas: 'Nobody has a sandbox account yet. Apply a scenario with "identities: { sandbox: … }".',
      placeholder: 'Message… (/help: commands)',
      send: 'Send',
      dm: 'Pulse — private chat',
      dmSub: 'Only you and Pulse see this',
      group: 'Group',
      unbound: 'not linked to a unit',
      empty: 'No messages yet. Type /help to start.',
      edited: 'edited',
      onlyYou: 'only you see this',
      you: 'You',
      bot: 'Pulse',
      wholeOrg: 'whole organisation',
      noRole: 'no role yet',
      close: 'Close',
      download: 'Download {name}',
      openImage: 'Open {name} at full size',
      error: 'Error: {message}',
      'role.admin': 'Admin',
      'role.leader': 'Unit leader',
      'role.collaborator': 'Collaborator',
      'role.worker': 'Worker',
    },
  };
  const ROLE_ORDER = ['admin', 'leader', 'collaborator', 'worker'];

  const state = {
    lang: localStorage.getItem('pulse-sandbox-lang') === 'en' ? 'en' : 'vi',
    personas: [],
    /** The bot's time zone (from the server): every time on the page is shown in it. */
    timeZone: undefined,
    persona: null,
    chats: [],
    chat: null,
    messages: new Map(),
    unread: new Set(),
    events: null,
  };

  const $ = (id) => document.getElementById(id);

  function t(key, params = {}) {
    const template = STRINGS[state.lang][key] ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function api(path, body) {
    const init = body
      ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {};
    const res = await fetch(path, init);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }

  const query = (params) => new URLSearchParams(params).toString();

  // ---- people and roles ----

  function topRole(persona) {
    const held = persona.roles.map((r) => r.role);
    return ROLE_ORDER.find((role) => held.includes(role)) ?? null;
  }

  function describePersona(persona) {
    if (persona.roles.length === 0) return t('noRole');
    return persona.roles
      .map((r) => `${t(`role.${r.role}`)} · ${r.unit ? r.unit.name : t('wholeOrg')}`)
      .join('; ');
  }

  function personaName(key) {
    return state.personas.find((p) => p.key === key)?.name ?? key;
  }

  // ---- rendering ----

  function renderStatic() {
    document.documentElement.lang = state.lang;
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    }
    $('lang').textContent = state.lang === 'vi' ? 'EN' : 'VI';
  }

  function renderPersonaPicker() {
    const select = $('persona');
    select.replaceChildren(new Option(t('choose'), ''));
    for (const role of [...ROLE_ORDER, null]) {
      const members = state.personas.filter((p) => topRole(p) === role);
      if (members.length === 0) continue;
      const group = el('optgroup');
      group.label = role ? t(`role.${role}`) : t('noRole');
      for (const p of members) group.append(new Option(`${p.name} — ${describePersona(p)}`, p.key));
      select.append(group);
    }
    select.value = state.persona?.key ?? '';

    const cards = $('persona-cards');
    cards.replaceChildren();
    if (state.personas.length === 0) cards.append(el('p', 'empty', t('noPersonas')));
    for (const p of state.personas) {
      const card = el('button', 'card');
      card.type = 'button';
      card.dataset.persona = p.key;
      card.append(el('strong', '', p.name), el('span', '', describePersona(p)));
      card.addEventListener('click', () => selectPersona(p.key));
      cards.append(card);
    }
  }

  function chatTitle(chat) {
    return chat.kind === 'dm' ? t('dm') : chat.title;
  }

  function chatSub(chat) {
    if (chat.kind === 'dm') return t('dmSub');
    return `${t('group')} · ${chat.unit ? `${chat.unit.name} (${chat.unit.code})` : t('unbound')}`;
  }

  function renderSidebar() {
    document.body.classList.toggle('no-persona', !state.persona);
    const who = $('whoami');
    who.replaceChildren();
    if (state.persona) {
      who.append(el('strong', '', state.persona.name), el('span', '', describePersona(state.persona)));
    }
    const list = $('chats');
    list.replaceChildren();
    for (const chat of state.chats) {
      const item = el('button', 'chat-item');
      item.type = 'button';
      item.dataset.chat = chat.key;
      item.classList.toggle('active', chat.key === state.chat?.key);
      item.classList.toggle('unread', state.unread.has(chat.key));
      item.append(el('span', 'title', chatTitle(chat)), el('span', 'sub', chatSub(chat)));
      item.addEventListener('click', () => openChat(chat.key));
      const li = el('li', chat.kind === 'dm' ? 'dm' : '');
      li.append(item);
      list.append(li);
    }
  }

  /** "02:03 02/12/2026" — the bot's one form (kernel formatDateTime): its time zone, whatever the language. */
  function formatTime(iso) {
    const parts = {};
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone: state.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    for (const part of format.formatToParts(new Date(iso))) parts[part.type] = part.value;
    return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
  }

  /** The bot's markup lines as elements: text stays text, a link opens only http(s) addresses. */
  function renderMarkup(lines) {
    const box = el('div', 'msg-text');
    lines.forEach((line, index) => {
      if (index > 0) box.append('\n');
      if (line.bullet) box.append('• ');
      for (const span of line.spans) {
        if (span.kind === 'bold') box.append(el('strong', '', span.text));
        else if (span.kind === 'italic') box.append(el('em', '', span.text));
        else if (span.kind === 'link' && /^https?:\/\//i.test(span.url)) {
          const link = el('a', '', span.text);
          link.href = span.url;
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
          box.append(link);
        } else box.append(span.text);
      }
    });
    return box;
  }

  function renderButtons(message) {
    const box = el('div', 'msg-buttons');
    for (const row of message.buttons) {
      const line = el('div', 'row');
      for (const button of row) {
        const node = el('button', '', button.label);
        node.type = 'button';
        node.addEventListener('click', () => press(message, button));
        line.append(node);
      }
      box.append(line);
    }
    return box;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }

  /** A picture inline (click for full size) or a download link; both come from the files API. */
  function renderFile(file) {
    const url = `/sandbox/api/files/${file.id}?${query({ persona: state.persona.key })}`;
    const link = el('a', file.image ? 'msg-image' : 'msg-file');
    link.href = url;
    if (file.image) {
      link.target = '_blank';
      link.rel = 'noopener';
      link.title = t('openImage', { name: file.name });
      const img = el('img');
      img.src = url;
      img.alt = file.name;
      img.loading = 'lazy';
      link.append(img);
    } else {
      link.download = file.name;
      link.title = t('download', { name: file.name });
      link.append(
        el('span', 'icon', (/\.([a-z0-9]{1,5})$/i.exec(file.name)?.[1] ?? 'file').toUpperCase()),
        el('span', 'name', file.name),
        el('span', 'size', formatSize(file.size)),
      );
    }
    return link;
  }

  function renderMessage(message) {
    const mine = message.sender === state.persona.key;
    const fromBot = message.sender === 'bot';
    const li = el('li', `msg ${fromBot ? 'from-bot' : mine ? 'from-me' : 'from-other'}`);
    li.dataset.id = String(message.id);
    if (message.visibleTo) li.classList.add('private');
    const sender = fromBot ? t('bot') : mine ? t('you') : personaName(message.sender);
    li.append(el('div', 'msg-sender', sender));
    if (message.file) li.append(renderFile(message.file));
    if (message.markup) li.append(renderMarkup(message.markup));
    else if (message.text || !message.file) li.append(el('div', 'msg-text', message.text));
    if (message.buttons?.length) li.append(renderButtons(message));
    const meta = [formatTime(message.createdAt)];
    if (message.editedAt) meta.push(t('edited'));
    if (message.visibleTo) meta.push(t('onlyYou'));
    li.append(el('div', 'msg-meta', meta.join(' · ')));
    return li;
  }

  function renderMessages() {
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const sorted = [...state.messages.values()].sort((a, b) => a.id - b.id);
    list.replaceChildren(...sorted.map(renderMessage));
    if (sorted.length === 0) list.append(el('li', 'empty', t('empty')));
    if (atBottom || sorted.length <= 1) list.scrollTop = list.scrollHeight;
  }

  function renderChat() {
    const chat = state.chat;
    $('welcome').hidden = Boolean(chat);
    $('chat').hidden = !chat;
    if (!chat) return;
    $('chat-title').textContent = chatTitle(chat);
    $('chat-sub').textContent = chatSub(chat);
    renderMessages();
  }

  function render() {
    renderStatic();
    renderPersonaPicker();
    renderSidebar();
    renderChat();
  }

  /** How long a toast stays: longer for a red one, but every toast goes by itself. */
  const TOAST_MS = { info: 4000, alert: 8000 };

  /** A toast at the top of the page (never over the message box); the same toast twice is shown once. */
  function toast(text, alert = false) {
    const kind = alert ? 'alert' : 'info';
    const same = [...$('toasts').children].find(
      (node) => node.dataset.text === text && node.dataset.kind === kind,
    );
    if (same) {
      clearTimeout(Number(same.dataset.timer));
      same.dataset.timer = String(setTimeout(() => same.remove(), TOAST_MS[kind]));
      return;
    }
    const box = el('div', `toast${alert ? ' alert' : ''}`);
    box.dataset.text = text;
    box.dataset.kind = kind;
    box.setAttribute('role', alert ? 'alert' : 'status');
    const close = el('button', '', '×');
    close.type = 'button';
    close.setAttribute('aria-label', t('close'));
    close.addEventListener('click', () => box.remove());
    box.append(el('span', '', text), close);
    $('toasts').append(box);
    box.dataset.timer = String(setTimeout(() => box.remove(), TOAST_MS[kind]));
  }

  const showError = (error) => toast(t('error', { message: error.message }), true);

  // ---- state changes ----

  function remember() {
    const params = {};
    if (state.persona) params.persona = state.persona.key;
    if (state.chat) params.chat = state.chat.key;
    history.replaceState(null, '', `?${query(params)}`);
    if (state.persona) localStorage.setItem('pulse-sandbox-persona', state.persona.key);
  }

  async function loadChats() {
    const data = await api(`/sandbox/api/chats?${query({ persona: state.persona.key })}`);
    state.persona = data.persona;
    state.chats = data.chats;
  }

  async function openChat(key) {
    const chat = state.chats.find((c) => c.key === key);
    if (!chat) return;
    state.chat = chat;
    state.unread.delete(key);
    state.messages = new Map();
    render();
    remember();
    await refresh();
    $('text').focus();
  }

  /** Fetches the open chat's history and merges it with what arrived live. */
  async function refresh() {
    const key = state.chat?.key;
    if (!key) return;
    const data = await api(`/sandbox/api/messages?${query({ persona: state.persona.key, chat: key })}`);
    if (state.chat?.key !== key) return;
    for (const message of data.messages) state.messages.set(message.id, message);
    renderMessages();
  }

  function listen() {
    state.events?.close();
    const events = new EventSource(`/sandbox/api/events?${query({ persona: state.persona.key })}`);
    state.events = events;
    events.addEventListener('ready', () => {
      document.body.dataset.live = 'true';
      refresh().catch(showError);
    });
    events.addEventListener('message', (event) => onMessage(JSON.parse(event.data)));
    events.addEventListener('toast', (event) => {
      const data = JSON.parse(event.data);
      toast(data.text, data.alert);
    });
    events.addEventListener('error', () => {
      document.body.dataset.live = 'false';
    });
  }

  async function onMessage(message) {
    if (message.chat === state.chat?.key) {
      state.messages.set(message.id, message);
      renderMessages();
      return;
    }
    if (!state.chats.some((c) => c.key === message.chat)) await loadChats();
    state.unread.add(message.chat);
    renderSidebar();
  }

  async function selectPersona(key) {
    const persona = state.personas.find((p) => p.key === key);
    state.persona = persona ?? null;
    state.chat = null;
    state.chats = [];
    state.unread.clear();
    state.events?.close();
    if (!persona) {
      render();
      remember();
      return;
    }
    await loadChats();
    render();
    listen();
    const wanted = new URLSearchParams(location.search).get('chat');
    const first = state.chats.find((c) => c.key === wanted) ?? state.chats[0];
    if (first) await openChat(first.key);
  }

  async function send(text) {
    await api('/sandbox/api/send', { persona: state.persona.key, chat: state.chat.key, text });
  }

  async function press(message, button) {
    try {
      const target = { persona: state.persona.key, chat: message.chat, messageId: message.id };
      if ('data' in button) await api('/sandbox/api/press', { ...target, data: button.data });
      else {
        const result = await api('/sandbox/api/press', { ...target, startPayload: button.startPayload });
        await openChat(result.chat);
      }
    } catch (error) {
      showError(error);
    }
  }

  // ---- wiring ----

  function wire() {
    $('persona').addEventListener('change', (event) => selectPersona(event.target.value).catch(showError));
    $('lang').addEventListener('click', () => {
      state.lang = state.lang === 'vi' ? 'en' : 'vi';
      localStorage.setItem('pulse-sandbox-lang', state.lang);
      render();
    });
    const input = $('text');
    $('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || !state.chat) return;
      input.value = '';
      send(text).catch((error) => {
        input.value = text;
        showError(error);
      });
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $('composer').requestSubmit();
      }
    });
  }

  async function start() {
    wire();
    renderStatic();
    const directory = await api('/sandbox/api/personas');
    state.personas = directory.personas;
    state.timeZone = directory.timeZone;
    const params = new URLSearchParams(location.search);
    const key = params.get('persona') ?? localStorage.getItem('pulse-sandbox-persona');
    if (key && state.personas.some((p) => p.key === key)) await selectPersona(key);
    else render();
  }

  start().catch(showError);
})();
