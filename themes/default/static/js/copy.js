/* paper-roundup: a "Copy" button above each <pre data-copy="Button label">.
   Progressive enhancement: without JavaScript the block is still there to select and copy. */
(function () {
  "use strict";

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyText(text, block) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-http sites have no Clipboard API: select the block and use the older command.
    selectContents(block);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll("pre[data-copy]").forEach(function (block) {
    var bar = document.createElement("div");
    bar.className = "copy-bar";
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = block.getAttribute("data-copy") || "Copy";
    bar.appendChild(status);
    bar.appendChild(button);
    block.parentNode.insertBefore(bar, block);

    var timer = 0;
    button.addEventListener("click", function () {
      var text = block.innerText.replace(/\s+$/, "") + "\n";
      copyText(text, block).then(function () {
        status.textContent = "Copied to the clipboard";
      }, function () {
        selectContents(block);
        status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy";
      });
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { status.textContent = ""; }, 4000);
    });
  });
})();
