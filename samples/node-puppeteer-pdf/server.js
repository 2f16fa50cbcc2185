const express = require("express");
const puppeteer = require("puppeteer");

const app = express();

app.get("/pdf", async (req, res) => {
  const browser = await puppeteer.launch({ args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.setContent(`<h1>${req.query.title || "Hello"}</h1>`);
    res.type("application/pdf").send(await page.pdf({ format: "A4" }));
  } finally {
    await browser.close();
  }
});

app.listen(process.env.PORT || 3000);
