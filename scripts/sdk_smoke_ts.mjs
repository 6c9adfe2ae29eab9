// Drive a running atsbridge with Kombo's official TypeScript SDK (npm `@kombo-api/sdk` 1.1.3).
//
// The SDK parses every response with zod: a missing required key, a wrong type or an unknown
// closed-enum value raises a ResponseValidationError / SDKValidationError, which fails this
// script. It pages through jobs, candidates, applications and application stages with small
// pages, creates an application with screening answers and a CV, finds the new application and
// candidate through list filters, adds and removes a tag, and checks the API key.
//
// Usage: node scripts/sdk_smoke_ts.mjs INFO_FILE   (written by `atsbridge demo --info-file`)
// The SDK is resolved from scripts/ts-sdk/node_modules (installed by scripts/sdk-smoke.sh).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

// Resolve the SDK from the pinned install next to this script, whatever the working directory.
const sdkDir = fileURLToPath(new URL("./ts-sdk/", import.meta.url));
const sdkEntry = createRequire(sdkDir + "package.json").resolve("@kombo-api/sdk");
const { Kombo } = await import(pathToFileURL(sdkEntry).href);

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** Follows every page of a paginated call; returns the items and the number of pages. */
async function pageAll(firstPage) {
  const items = [];
  let pages = 0;
  for await (const page of firstPage) {
    items.push(...page.result.data.results);
    pages += 1;
  }
  return { items, pages };
}

/** Checks that a list is non-empty and that no id repeats across pages. */
function checkIds(label, items) {
  check(items.length > 0, `${label}: the demo account should not be empty`);
  const ids = new Set(items.map((item) => item.id));
  check(ids.size === items.length, `${label}: duplicate ids across pages`);
  check([...ids].every((id) => typeof id === "string" && id.length > 0), `${label}: empty id`);
}

const CV_BASE64 = Buffer.from("Smoke Tester, CV\n").toString("base64");

/** The answer this script gives to a screening question, or undefined if it cannot answer it. */
function answerFor(question) {
  const format = question.format;
  if (format == null) return undefined;
  switch (format.type) {
    case "TEXT":
      return "Rust, TypeScript and SQL";
    case "NUMBER":
      return typeof format.min === "number" ? Math.max(format.min, 3) : 3;
    case "BOOLEAN":
      return true;
    case "DATE":
      return new Date("2027-01-15T00:00:00.000Z");
    case "SINGLE_SELECT":
      return format.options.length > 0 ? format.options[0].id : undefined;
    case "MULTI_SELECT":
      return format.options.length > 0 ? [format.options[0].id] : undefined;
    case "FILE":
      return { name: "answer.txt", content_type: "text/plain", data: CV_BASE64 };
    default:
      return undefined; // INFORMATION and UNKNOWN take no answer
  }
}

async function main() {
  const infoPath = process.argv[2];
  check(infoPath, "usage: node sdk_smoke_ts.mjs INFO_FILE");
  const info = JSON.parse(readFileSync(infoPath, "utf8"));
  const kombo = new Kombo({
    api_key: info.api_key,
    integration_id: info.integration_id,
    server_url: info.server_url,
  });

  // Small pages so that every list needs several requests that follow `data.next`.
  const pageSizes = { jobs: 1, candidates: 7, applications: 7, stages: 3 };
  const jobs = await pageAll(await kombo.ats.getJobs({ page_size: pageSizes.jobs }));
  const candidates = await pageAll(
    await kombo.ats.getCandidates({ page_size: pageSizes.candidates }),
  );
  const applications = await pageAll(
    await kombo.ats.getApplications({ page_size: pageSizes.applications }),
  );
  const stages = await pageAll(
    await kombo.ats.getApplicationStages({ page_size: pageSizes.stages }),
  );
  for (const [label, list] of Object.entries({ jobs, candidates, applications, stages })) {
    checkIds(label, list.items);
    const minPages = Math.ceil(list.items.length / pageSizes[label]);
    check(list.pages >= minPages, `${label}: ${list.pages} pages for ${list.items.length} items`);
  }

  const job = jobs.items.find((j) => j.status === "OPEN" && j.screening_questions.length > 0);
  check(job, "expected an open job with screening questions");
  const answers = [];
  const formats = new Set();
  for (const question of job.screening_questions) {
    const answer = answerFor(question);
    if (answer !== undefined) {
      answers.push({ question_id: question.id, answer });
      formats.add(question.format.type);
    }
  }
  check(answers.length > 0, "expected at least one answerable screening question");

  const email = "smoke.tester.ts@example.com";
  const created = await kombo.ats.createApplication({
    job_id: job.id,
    body: {
      candidate: {
        first_name: "Smoke",
        last_name: "Tester",
        email_address: email,
        phone_number: "+43 660 0000001",
        location: { city: "Graz", country: "AT" },
        salary_expectations: { period: "YEAR", amount: 64000.5 },
      },
      attachments: [
        { name: "cv.txt", type: "CV", content_type: "text/plain", data: CV_BASE64 },
      ],
      screening_question_answers: answers,
      source: { name: "atsbridge TS smoke test" },
    },
  });
  check(created.status === "success", "create application: status is not success");
  const appId = created.data.id;
  const candidateId = created.data.candidate_id;
  check(appId && candidateId, "create application: missing application or candidate id");

  const again = await kombo.ats.getApplications({ ids: [appId] });
  const againIds = again.result.data.results.map((a) => a.id);
  check(againIds.length === 1 && againIds[0] === appId, "created application not listed by ids");
  const byEmail = await kombo.ats.getCandidates({ email });
  const byEmailIds = byEmail.result.data.results.map((c) => c.id);
  check(byEmailIds.includes(candidateId), "created candidate not listed by email");
  check(
    byEmail.result.data.results.every((c) =>
      (c.email_addresses ?? []).some((e) => e.email_address?.toLowerCase() === email),
    ),
    "email filter returned a candidate without that email",
  );

  // Tags are written back to the store before the response, so the next read shows them.
  const tagName = "TS Smoke";
  const tagBody = { tag: { name: tagName } };
  const candidateTags = async () => {
    const page = await kombo.ats.getCandidates({ ids: [candidateId] });
    check(page.result.data.results.length === 1, "created candidate not listed by ids");
    return page.result.data.results[0].tags.map((t) => t.name);
  };
  const added = await kombo.ats.addCandidateTag({ candidate_id: candidateId, body: tagBody });
  check(added.status === "success", "add tag: status is not success");
  check((await candidateTags()).includes(tagName), "added tag not on the candidate");
  const removed = await kombo.ats.removeCandidateTag({ candidate_id: candidateId, body: tagBody });
  check(removed.status === "success", "remove tag: status is not success");
  check(!(await candidateTags()).includes(tagName), "removed tag still on the candidate");

  const key = await kombo.general.checkApiKey();
  check(key.status === "success", "check-api-key: status is not success");

  console.log(
    `jobs=${jobs.items.length} (${jobs.pages} pages) ` +
      `candidates=${candidates.items.length} (${candidates.pages} pages) ` +
      `applications=${applications.items.length} (${applications.pages} pages) ` +
      `stages=${stages.items.length} (${stages.pages} pages)`,
  );
  console.log(
    `created application ${appId} with ${answers.length} answers ` +
      `(${[...formats].sort().join(",")}), warnings=${JSON.stringify(created.warnings.map((w) => w.message))}`,
  );
  console.log("ts sdk smoke: ok");
}

try {
  await main();
} catch (error) {
  // Validation errors carry the zod issues and the raw body; print them to find the field.
  const detail = typeof error?.pretty === "function" ? error.pretty() : error?.message ?? error;
  console.error(`ts sdk smoke: FAILED: ${error?.name ?? "Error"}: ${detail}`);
  if (typeof error?.rawValue !== "undefined") {
    console.error("raw value:", JSON.stringify(error.rawValue).slice(0, 2000));
  }
  if (typeof error?.body === "string" && error.body) console.error("body:", error.body.slice(0, 2000));
  process.exitCode = 1;
}
