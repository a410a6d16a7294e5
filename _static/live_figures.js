// Live experiments: each control picks one of the pictures rendered at build time
// (_ext/live_figures.py writes the controls, the first picture and the table of pictures).
"use strict";

function setUpLiveFigure(figure) {
  const pictures = JSON.parse(figure.querySelector(".live-frames").textContent);
  const image = figure.querySelector(".live-frame");
  const inputs = Array.from(figure.querySelectorAll(".live-control input, .live-control select"));
  function show() {
    [image.src, image.alt] = pictures[inputs.map((input) => input.value).join(",")];
    for (const input of inputs.filter((input) => input.dataset.labels)) {
      const label = JSON.parse(input.dataset.labels)[input.value];
      input.setAttribute("aria-valuetext", label);
      figure.querySelector(`output[for="${input.id}"]`).value = label;
    }
  }
  inputs.forEach((input) => input.addEventListener("input", show));
  const play = figure.querySelector(".live-play");
  if (play) setUpPlayButton(play, inputs[0]);
  figure.querySelector(".live-controls").hidden = false;
}

// An animation's Play button steps its one range input to the end, then stops; Pause stops it.
function setUpPlayButton(button, range) {
  let timer = null;
  function stop() {
    clearInterval(timer);
    timer = null;
    button.textContent = "Play";
  }
  function step() {
    if (Number(range.value) >= Number(range.max)) return stop();
    range.value = Number(range.value) + 1;
    range.dispatchEvent(new Event("input"));
  }
  button.addEventListener("click", () => {
    if (timer) return stop();
    if (Number(range.value) >= Number(range.max)) {
      range.value = 0;
      range.dispatchEvent(new Event("input"));
    }
    timer = setInterval(step, Number(button.dataset.interval));
    button.textContent = "Pause";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".live-figure").forEach(setUpLiveFigure);
});
