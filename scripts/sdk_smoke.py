"""Drive a running atsbridge with Kombo's official Python SDK (PyPI `kombo` 1.4).

Pages through jobs, candidates, applications and application stages with small pages (the SDK
validates every response with pydantic, so a missing key or an unknown closed-enum value fails
here), then creates an application with screening answers and an attachment and checks that
the next list call returns it.

Usage: python sdk_smoke.py INFO_FILE   (the JSON file written by `atsbridge demo --info-file`)
"""

import json
import sys

from kombo import Kombo


def page_all(first_page):
    items = []
    res = first_page
    pages = 0
    while res is not None:
        items += res.result.data.results
        pages += 1
        res = res.next()
    return items, pages


def answer_for(question):
    fmt = question.format_
    if fmt is None:
        return None
    kind = fmt.TYPE
    if kind == "TEXT":
        return "Rust, Python and SQL"
    if kind == "NUMBER":
        return 3
    if kind == "BOOLEAN":
        return True
    if kind == "DATE":
        return "2027-01-15T00:00:00Z"
    if kind == "SINGLE_SELECT" and fmt.options:
        return fmt.options[0].id
    if kind == "MULTI_SELECT" and fmt.options:
        return [fmt.options[0].id]
    return None


def main() -> int:
    info = json.load(open(sys.argv[1]))
    with Kombo(
        api_key=info["api_key"],
        integration_id=info["integration_id"],
        server_url=info["server_url"],
    ) as k:
        jobs, job_pages = page_all(k.ats.get_jobs(page_size=7))
        candidates, cand_pages = page_all(k.ats.get_candidates(page_size=25))
        applications, app_pages = page_all(k.ats.get_applications(page_size=25))
        stages, _ = page_all(k.ats.get_application_stages(page_size=3))
        print(f"jobs={len(jobs)} ({job_pages} pages) candidates={len(candidates)} ({cand_pages} pages) "
              f"applications={len(applications)} ({app_pages} pages) stages={len(stages)}")
        assert jobs and candidates and applications and stages, "the demo account should not be empty"
        assert len({j.id for j in jobs}) == len(jobs), "duplicate job ids across pages"

        open_jobs = [j for j in jobs if j.status == "OPEN" and j.screening_questions]
        assert open_jobs, "expected an open job with screening questions"
        job = open_jobs[0]
        answers = []
        for q in job.screening_questions:
            a = answer_for(q)
            if a is not None:
                answers.append({"question_id": q.id, "answer": a})
        created = k.ats.create_application(
            job_id=job.id,
            candidate={
                "first_name": "Smoke",
                "last_name": "Tester",
                "email_address": "smoke.tester@example.com",
                "phone_number": "+43 660 0000000",
                "location": {"city": "Wien", "country": "AT"},
                "salary_expectations": {"period": "YEAR", "amount": 65000.4},
            },
            attachments=[{"name": "cv.txt", "type": "CV", "content_type": "text/plain", "data": "SGVsbG8sIFdvcmxkIQ=="}],
            screening_question_answers=answers or None,
            source={"name": "atsbridge smoke test"},
        )
        app_id = created.data.id
        print(f"created application {app_id} with {len(answers)} answers, warnings={[w.message for w in created.warnings]}")
        again = k.ats.get_applications(ids=[app_id])
        assert [a.id for a in again.result.data.results] == [app_id], "created application not listed"
        cands = k.ats.get_candidates(email="smoke.tester@example.com")
        assert cands.result.data.results, "created candidate not listed"
    print("sdk smoke: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
