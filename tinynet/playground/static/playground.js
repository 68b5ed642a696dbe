// The page's side: the menu of examples, the settings, and what the worker sends back.
// Python runs in a worker (worker.js), so the page stays responsive and redraws the
// loss curve while a network trains.
"use strict";
const $ = (id) => document.getElementById(id);
const worker = new Worker("worker.js");
let menu = [];

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function controls() {
  return {
    hidden: parseInt($("hidden").value, 10),
    activation: $("activation").value,
    lr: parseFloat($("lr").value),
    epochs: parseInt($("epochs").value, 10),
    samples: parseInt($("samples").value, 10),
  };
}

async function loadSnippet(index) {
  const response = await fetch(menu[index].file);
  $("code").value = await response.text();
}

worker.onmessage = (event) => {
  // Python sends JSON text; the worker's own messages are objects.
  const message = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
  if (message.type === "ready") {
    setStatus("Python " + message.version + " ready");
    $("run").disabled = false;
  } else if (message.type === "stdout") {
    $("output").textContent += message.text + "\n";
  } else if (message.type === "show") {
    const box = document.createElement("div");
    box.innerHTML = message.svg;
    $("pictures").appendChild(box);
  } else if (message.type === "live") {
    $("live").innerHTML = message.svg;
  } else if (message.type === "result") {
    $("result").textContent = message.text;
  } else if (message.type === "done") {
    setStatus("done in " + message.seconds.toFixed(1) + " s");
    $("run").disabled = false;
  } else if (message.type === "error") {
    $("output").textContent += message.text + "\n";
    setStatus("error: " + message.text.trim().split("\n").pop(), true);
    $("run").disabled = false;
  }
};

$("run").onclick = () => {
  $("output").textContent = "";
  $("pictures").innerHTML = "";
  $("live").innerHTML = "";
  $("result").textContent = "";
  $("run").disabled = true;
  setStatus("running…");
  worker.postMessage({ type: "run", code: $("code").value, controls: controls() });
};

$("snippet").onchange = () => loadSnippet($("snippet").selectedIndex);

(async () => {
  menu = await (await fetch("snippets/index.json")).json();
  for (const item of menu) {
    const option = document.createElement("option");
    option.textContent = item.title;
    $("snippet").appendChild(option);
  }
  await loadSnippet(0);
  worker.postMessage({ type: "start" });
})();
