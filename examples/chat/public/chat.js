// The chat page: joins the room named by ?room= (default "lobby") over a WebSocket,
// shows its history and every new message, and sends what the form holds.
const room = new URLSearchParams(location.search).get("room") || "lobby";
const list = document.getElementById("messages");
const status = document.getElementById("status");
const author = document.getElementById("author");
const text = document.getElementById("text");
document.getElementById("room").textContent = room;
author.value = "guest-" + Math.floor(Math.random() * 10000);

function show(message) {
  const item = document.createElement("li");
  if (message.error) {
    item.className = "error";
    item.textContent = message.error;
  } else {
    const name = document.createElement("b");
    name.textContent = message.author;
    item.append(name, " ", message.text);
  }
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

let socket;
function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/api/rooms/${encodeURIComponent(room)}`);
  socket.onopen = () => { status.textContent = "connected"; };
  socket.onmessage = (event) => show(JSON.parse(event.data));
  socket.onclose = (event) => {
    status.textContent = `disconnected (${event.code}), reconnecting...`;
    list.replaceChildren();  // the history comes again on reconnect
    setTimeout(connect, 1000);
  };
}
connect();

document.getElementById("send").addEventListener("submit", (event) => {
  event.preventDefault();
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(JSON.stringify({ author: author.value, text: text.value }));
  text.value = "";
});
