"""Years 2 and 3 played by hand, in a real headless Chromium over the five real binaries, after only year one (the
naming) was played through the API. From the department's desk (经济工作部): a project-grant round (Art 13) opened,
qualified, assigned and closed, its 公示 published; the counties apply for their named studios; the experts score;
the federation (市总工会) approves. Money (Art 12–16): the year's budget set, the held grants released (one refused
until the budget is raised) and approved; finance (财务部) pays one grant by hand and the others through a payment
batch whose bank confirmation has one mismatched row: shown row by row, nothing applied, then the corrected file
applied. An expense refused by Art 15 beside its field. The biennial inspection (Art 16) with a misuse finding,
signed by the three offices each from its own account; the revocation for fraud (Art 20) decided by the federation,
with its 通报. The end of the cycle (Art 17): the assessments overdue within their grace period are the
department's to-dos until it records them, one a failure. Every to-do appears for its account and clears.
Run by PortalTests; a screenshot of each step in --screenshots.
"""
import argparse
import csv
import datetime
import io
import json
import os
import tempfile
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from portal_browser import Browser, write_receipt

parser = argparse.ArgumentParser()
parser.add_argument("--portal", required=True)
parser.add_argument("--screenshots", required=True)
parser.add_argument("--named-on", required=True, help="the day year one's studios were named")
parser.add_argument("--studios", required=True, help="studio|screening body, …: the five named studios")
parser.add_argument("--counties", required=True, help="body=username:first-password, …")
parser.add_argument("--experts", required=True, help="id:first-password, … (year one's panel)")
parser.add_argument("--credit-codes", required=True)
parser.add_argument("--id-numbers", required=True)
parser.add_argument("--department", required=True)
parser.add_argument("--finance", required=True)
parser.add_argument("--audit", required=True)
parser.add_argument("--federation", required=True)
parser.add_argument("--clocks", required=True, help="the services' base URLs, whose demo clocks the test moves")
parser.add_argument("--operator-token", required=True)
args = parser.parse_args()

b = Browser(args.portal, args.screenshots)
driver = b.driver
files = tempfile.mkdtemp()
studios = [entry.split("|") for entry in args.studios.split(",")]
counties = dict(entry.split("=", 1) for entry in args.counties.split(","))
experts = [entry.split(":", 1) for entry in args.experts.split(",")]
credit_codes = args.credit_codes.split(",")
id_numbers = args.id_numbers.split(",")
named_on = datetime.date.fromisoformat(args.named_on)
# A, B, C apply for project grants; B is later found to have misused funds (revoked for fraud); D fails at the
# cycle's end; A, C, E pass.
A, B, C, D, E = [s[0] for s in studios]
body_of = {s[0]: s[1] for s in studios}
passwords = {}


def sign_in(credentials, landing=""):
    username = credentials.split(":")[0]
    if username in passwords:
        b.sign_in(f"{username}:{passwords[username]}", "unused-password", landing)
    else:
        passwords[username] = f"{username}-own-pass-2"
        b.sign_in(credentials, passwords[username], landing)


def api(url, body=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method="POST" if body is not None else "GET",
                                     headers={"Authorization": f"Bearer {args.operator_token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as reply:
        return json.loads(reply.read().decode())


def today():
    return datetime.date.fromisoformat(api(args.clocks.split(",")[0] + "/ops/clock")["today"])


def advance_to(day, why):
    """Time passes: every service's demo clock moves to `day` (the operator's clock API, as the demo does)."""
    days = (day - today()).days
    if days > 0:
        for url in args.clocks.split(","):
            api(url + "/ops/clock", {"advanceDays": days})
    print(f"  clocks at {today()} ({why})", flush=True)


def open_todos():
    b.go("/todos")
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, "tr.todo-open")]


def cookie_get(path):
    cookie = driver.get_cookie("qz_session")["value"]
    request = urllib.request.Request(args.portal + path, headers={"Cookie": f"qz_session={cookie}"})
    with urllib.request.urlopen(request) as reply:
        return reply.headers.get("Content-Type", ""), reply.read().decode("utf-8-sig")


with b.running():
    # ——— Year 2 ———
    advance_to(named_on + datetime.timedelta(days=370), "the second year of the studios' cycle (Art 13)")
    year2 = today().year
    round_title = f"{year2}年度课题经费补助申报"

    b.step("the department opens the year's project-grant round (Art 13)")
    sign_in(args.department, "评审批次")
    b.go("/department/rounds/new")
    b.choose(b.field("批次类型"), "课题经费补助（第十三条）")
    b.type_into(b.field("年度"), str(year2))
    b.type_into(b.field("开始受理日期"), today().isoformat())
    b.type_into(b.field("县区报送截止日期"), (today() + datetime.timedelta(days=30)).isoformat())
    b.shot("department-opens-round")
    b.click("开启批次")
    b.expect(f"已开启{year2}年度" in b.text(), f"the round is open; saw {b.text()[:400]}")
    # The department's list is review's, which hears of the round from intake's round.opened a moment later.
    b.wait_for("the round in review's list", lambda: (b.go("/department") or True) and driver.find_elements(By.LINK_TEXT, round_title))
    link = driver.find_element(By.LINK_TEXT, round_title)
    round_id = link.get_attribute("href").rstrip("/").split("/")[-1]
    b.shot("round-opened")
    b.sign_out()

    started = (today() - datetime.timedelta(days=430)).isoformat()
    orders = {}
    for index, studio in enumerate([A, B, C, E]):
        body = body_of[studio]
        b.step(f"the county {body} applies for a project grant for {studio}")
        sign_in(counties[body], "工作台")
        b.go(f"/county/rounds/{round_id}/new")
        chosen = Select(b.field("已命名工作室", "申报的工作室"))
        chosen.select_by_value(studio)
        name = chosen.first_selected_option.text
        orders[body] = orders.get(body, 0) + 1
        b.fill_application(f"衢州课题{index + 1}号精工有限公司", credit_codes[index], name, id_numbers[index],
                           f"1390570{index + 1:04d}", started, f"{year2}-01-01", f"{year2}-12-31",
                           [("李明", "技术骨干"), ("赵芳", "工艺员")], orders[body])
        b.click("提交申报")
        b.expect("申报已提交" in b.text(), f"the application is submitted; saw {b.text()[:600]}")
        b.shot(f"county-applies-{index + 1}")
        b.sign_out()

    b.step("the department qualifies the four applications, assigns the experts and starts scoring")
    sign_in(args.department, "评审批次")

    def open_round():
        b.go("/department")
        b.wait_for("the round's applications to reach review", lambda: (b.go("/department") or True) and round_title in b.text())
        driver.find_element(By.LINK_TEXT, round_title).click()

    open_round()
    b.wait_for("four applications in review", lambda: (open_round() or True) and
             len(driver.find_elements(By.XPATH, "//main//a[normalize-space()='资格审查']")) == 4)
    while driver.find_elements(By.XPATH, "//main//a[normalize-space()='资格审查']"):
        b.click("资格审查")
        b.choose(b.field("审查结论"), "通过")
        b.click("提交审查意见")
        b.expect("资格审查结果已记录：通过" in b.text(), f"a pass recorded; saw {b.text()[:400]}")
    b.shot("qualified")
    open_round()
    b.click("运行专家分配")
    b.expect("未完成" not in b.text(), f"the assignment ran; saw {b.text()[:600]}")
    b.shot("assignment")
    b.click("开始评分")
    b.expect("未完成" not in b.text(), f"scoring started; saw {b.text()[:600]}")
    b.sign_out()

    for expert_id, first in experts:
        b.step(f"expert {expert_id}: the assignments are on the to-do list; scored, they clear")
        sign_in(f"{expert_id}:{first}", "评审任务")
        waiting = [row for row in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
                   if row.find_elements(By.TAG_NAME, "a") and not row.text.endswith("已提交")]
        # By address: a studio of this round bears the name it had in year one, whose sheet is submitted.
        names = [row.find_element(By.TAG_NAME, "a").get_attribute("href") for row in waiting]
        b.wait_for(f"the badge and the list of {expert_id} to count the assignments ({len(names)})",
                 lambda: len([t for t in open_todos() if t.startswith("评审任务")]) == len(names) == b.badge())
        if names:
            b.shot(f"expert-{expert_id}-todos")
        for href in names:
            driver.get(href)
            for row in driver.find_elements(By.CSS_SELECTOR, "table[aria-label='评分细则'] tbody tr"):
                cells = row.find_elements(By.TAG_NAME, "td")
                b.type_into(cells[3].find_element(By.TAG_NAME, "input"), str(max(1, int(cells[1].text) - 2)))
            b.type_into(b.field("评语"), "课题目标明确，经费安排合理。")
            b.click("提交评分表")
            b.expect("评分表已提交" in b.text(), f"the sheet is submitted; saw {b.text()[:400]}")
        if names:
            b.wait_for(f"{expert_id}'s to-dos to clear", lambda: (b.go("/todos") or True) and b.badge() == 0)
            b.shot(f"expert-{expert_id}-done")
        b.sign_out()

    b.step("the department closes scoring and publishes the 公示")
    sign_in(args.department, "评审批次")
    open_round()
    b.click("结束评分")
    ranking = driver.find_element(By.XPATH, "//table[@aria-label='评审排名']")
    b.expect(len(ranking.find_elements(By.CSS_SELECTOR, "tbody tr")) == 4, f"a ranking of four: {ranking.text}")
    b.shot("ranking")
    b.click("发布公示")
    b.expect("公示期" in b.text(), f"the notice is published; saw {b.text()[:500]}")
    b.shot("notice")
    b.sign_out()

    advance_to(today() + datetime.timedelta(days=20), "past the 公示")
    b.step("the federation approves the project grants")
    sign_in(args.federation, "待决定事项")
    b.expect(round_title in b.text(), f"the round awaits the federation; saw {b.text()[:400]}")
    b.shot("federation-awaits")
    b.click("批准课题经费补助")
    b.expect("课题经费补助决定已作出" in b.text(), f"the decision; saw {b.text()[:400]}")
    b.shot("federation-decided")
    b.sign_out()

    b.step("finance: four project grants to pay are on its to-do list")
    sign_in(args.finance, "经费管理")
    b.wait_for("four grants to pay", lambda: len([t for t in open_todos() if t.startswith("拨付课题经费")]) == 4)
    b.expect(b.badge() == 4, f"the badge counts them ({b.badge()})")
    b.shot("finance-todos")
    b.go(f"/funds?year={year2}")
    b.expect("没有已批准待拨付的补助" in b.text(), "nothing is approved yet")
    b.sign_out()

    b.step("the department: the grants are held without a budget; a budget of 40,000 yuan lets two through")
    sign_in(args.department, "评审批次")
    b.go(f"/funds?year={year2}")
    b.wait_for("four held grants", lambda: (b.go(f"/funds?year={year2}") or True) and
             len(driver.find_elements(By.XPATH, "//main//button[normalize-space()='放行']")) == 4)
    b.shot("department-held")
    b.type_into(b.field(f"{year2}年度预算（元）"), "40000")
    b.click("保存预算")
    b.expect(f"已设定{year2}年度预算 40,000.00 元" in b.text(), f"the budget is set; saw {b.text()[:400]}")
    b.click("放行")
    b.expect("已放行补助" in b.text(), f"the first is released; saw {b.text()[:400]}")
    b.click("放行")
    b.expect("已放行补助" in b.text(), f"the second is released; saw {b.text()[:400]}")
    b.click("放行")
    errors = driver.find_elements(By.CSS_SELECTOR, "main p.error")
    b.expect(errors and "预算" in errors[0].text, f"the third does not fit the budget: refused with the reason; saw {b.text()[:500]}")
    b.shot("department-release-refused")
    b.step("the department raises the budget to 60,000 yuan and releases the third; the fourth it cancels, with the reason")
    b.type_into(b.field(f"{year2}年度预算（元）"), "60000")
    b.click("保存预算")
    b.click("放行")
    b.expect("已放行补助" in b.text(), f"the third is released; saw {b.text()[:400]}")
    held = driver.find_element(By.CSS_SELECTOR, "main form.cancel")
    b.submit(held)
    b.expect(driver.find_elements(By.CSS_SELECTOR, "main p.error"), f"a cancellation without a reason is refused; saw {b.text()[:400]}")
    held = driver.find_element(By.CSS_SELECTOR, "main form.cancel")
    held.find_element(By.NAME, "reason").send_keys("本年度课题经费预算已用完，课题转下年度申报")
    b.shot("department-cancels")
    b.submit(held)
    b.expect("已取消补助" in b.text(), f"the fourth is cancelled; saw {b.text()[:400]}")
    b.expect(not driver.find_elements(By.XPATH, "//main//button[normalize-space()='放行']"), "nothing is held any more")
    b.step("the department approves the three")
    for _ in range(3):
        b.click("批准")
        b.expect("已批准补助" in b.text(), f"approved; saw {b.text()[:400]}")
    b.expect(not driver.find_elements(By.XPATH, "//main//button[normalize-space()='批准']"), "nothing left to approve")
    b.shot("department-approved")
    b.sign_out()

    b.step("finance pays one grant by hand (a transfer outside the batch)")
    sign_in(args.finance, "经费管理")
    b.go(f"/funds?year={year2}")
    options = Select(b.field("已批准的补助")).options
    b.expect(len(options) == 4, f"three approved grants to choose from: {[o.text for o in options]}")
    Select(b.field("已批准的补助")).select_by_index(1)
    b.type_into(b.field("银行流水号"), "")
    b.type_into(b.field("拨付日期"), today().isoformat())
    b.click("记录拨付")
    beside = driver.find_elements(By.CSS_SELECTOR, "#paymentReference ~ p.error")
    b.expect(beside and "流水号" in beside[0].text, f"a payment without the bank's reference is refused beside the field; saw {b.text()[:500]}")
    b.shot("finance-payment-refused")
    Select(b.field("已批准的补助")).select_by_index(1)
    b.type_into(b.field("银行流水号"), f"ICBC-{year2}-HAND-0001")
    b.type_into(b.field("拨付日期"), today().isoformat())
    b.click("记录拨付")
    b.expect("已记录拨付" in b.text(), f"the payment is recorded; saw {b.text()[:400]}")
    b.shot("finance-paid-by-hand")

    b.step("finance makes the payment batch of the other two and downloads the bank's file")
    b.click("生成支付批次")
    batch_id = driver.find_element(By.CSS_SELECTOR, "#batch p.flash code").text
    b.expect("2 笔" in b.text(), f"a batch of two; saw {b.text()[:500]}")
    b.shot("finance-batch")
    content_type, batch_csv = cookie_get(f"/funds/batches/{batch_id}/csv")
    rows = list(csv.DictReader(io.StringIO(batch_csv)))
    b.expect(content_type.startswith("text/csv") and len(rows) == 2 and "参考号" in rows[0] and "金额（元）" in rows[0],
             f"the bank's file has the two grants: {batch_csv[:400]}")

    b.step("finance uploads the bank's confirmation with one mismatched row: shown row by row, nothing applied")
    header = "参考号,金额（元）,付款流水号,付款日期\r\n"
    good = f"{rows[0]['参考号']},{rows[0]['金额（元）']},ICBC-{year2}-B0001,{today().isoformat()}\r\n"
    wrong = f"{rows[1]['参考号']},2000.00,ICBC-{year2}-B0002,{today().isoformat()}\r\n"
    right = f"{rows[1]['参考号']},{rows[1]['金额（元）']},ICBC-{year2}-B0002,{today().isoformat()}\r\n"
    path = os.path.join(files, "confirmation-mismatch.csv")
    with open(path, "w", encoding="utf-8") as out:
        out.write(header + good + wrong)
    b.field("银行确认文件（CSV）").send_keys(path)
    b.click("上传并核对")
    b.expect("确认文件中有不符的行，未确认任何拨付" in b.text(), f"the file is refused whole; saw {b.text()[:500]}")
    mismatched = driver.find_elements(By.CSS_SELECTOR, "#confirmation tr.mismatch")
    lines = driver.find_elements(By.CSS_SELECTOR, "#confirmation tbody tr")
    b.expect(len(mismatched) == 1 and len(lines) == 2, f"one row of two is shown as mismatched: {[x.text for x in lines]}")
    b.expect(rows[1]["参考号"] in mismatched[0].text and "无误（整批未入账）" in lines[0].text, f"the rows: {[x.text for x in lines]}")
    b.shot("finance-confirmation-refused")
    b.go(f"/funds?year={year2}")
    b.expect(len(Select(b.field("已批准的补助")).options) == 3, "nothing was applied: both still wait for payment")
    todos = open_todos()
    b.expect(len([t for t in todos if t.startswith("拨付课题经费")]) == 2, f"two grants still to pay: {todos}")

    b.step("finance uploads the corrected confirmation: both applied, its to-dos clear")
    b.go(f"/funds?year={year2}")
    path = os.path.join(files, "confirmation-corrected.csv")
    with open(path, "w", encoding="utf-8") as out:
        out.write(header + good + right)
    b.field("银行确认文件（CSV）").send_keys(path)
    b.click("上传并核对")
    b.expect("银行确认已入账" in b.text() and "已确认 2 笔拨付" in b.text(), f"the corrected file is applied; saw {b.text()[:500]}")
    b.shot("finance-confirmation-applied")
    b.wait_for("finance's to-dos to clear", lambda: (b.go("/todos") or True) and b.badge() == 0)
    b.expect("已拨付" in b.text(), "the grants are listed as paid")
    b.shot("finance-todos-cleared")
    b.sign_out()

    b.step("the department records a banquet against a paid grant: refused by Art 15, beside the field")
    sign_in(args.department, "评审批次")
    b.go(f"/funds/studios/{A}")
    b.expect("可用余额" in b.text() and "台账明细" in b.text(), "the studio's ledger and balances")
    options = driver.find_elements(By.CSS_SELECTOR, "#grantId option")
    b.record_expense(options[-1].text, "其他（填写名称）", "工作室日常运营", "800", today().isoformat(), "验收聚餐",
                     other_name="宴请", other_reason="课题验收后聚餐")
    errors = driver.find_elements(By.CSS_SELECTOR, "#category ~ p.error")
    b.expect(errors and "第十五条" in errors[0].text, f"the Art 15 refusal under the category; saw {b.text()[:500]}")
    b.shot("department-expense-refused")
    b.step("the department records the printing of training material with its receipt")
    options = driver.find_elements(By.CSS_SELECTOR, "#grantId option")
    b.record_expense(options[-1].text, "资料印刷", "高技能人才培养", "1200.50", today().isoformat(), "印刷技能培训手册200册",
                     receipt=write_receipt(files))
    b.expect("已记录支出 1,200.50 元" in b.text() and "receipt.pdf" in b.text(), f"recorded with its receipt; saw {b.text()[:500]}")
    b.shot("department-expense-recorded")
    b.sign_out()

    # ——— The biennial inspection (Art 16), two years after the first payments ———
    advance_to(named_on + datetime.timedelta(days=2 * 365 + 60), "the biennial inspection falls due")

    def open_inspection():
        b.go("/funds/inspections")
        rows = [row for row in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if B in row.text and "已办结" not in row.text]
        b.expect(rows, f"an inspection of {B} is listed: {b.text()[:600]}")
        rows[0].find_element(By.CSS_SELECTOR, "a[href^='/funds/inspections/']").click()

    b.step("the audit office records a misuse finding at B and signs from its own account")
    sign_in(args.audit, "经费管理")
    open_inspection()
    b.choose(b.field("结论"), "违规使用")
    b.type_into(b.field("违规金额（元）"), "6000")
    b.type_into(b.field("整改期限"), (today() + datetime.timedelta(days=30)).isoformat())
    b.type_into(b.field("说明"), "以虚假发票报销与工作室无关的差旅费用6000元（第十五条）")
    b.click("记录")
    b.expect("违规使用" in b.text(), f"the finding is listed; saw {b.text()[:500]}")
    b.type_into(b.field("签字意见（可选）"), "经审办核查票据，情况属实")
    b.click("本部门签字确认")
    b.expect(len(driver.find_elements(By.CSS_SELECTOR, "ul.checklist li.done")) == 1, "the audit office signed")
    b.shot("audit-signed")
    b.sign_out()
    for credentials, office in ((args.finance, "finance"), (args.department, "department")):
        b.step(f"the {office} signs the inspection from its own account")
        sign_in(credentials, "")
        open_inspection()
        b.click("本部门签字确认")
        b.shot(f"{office}-signed")
        if office == "department":
            b.expect(len(driver.find_elements(By.CSS_SELECTOR, "ul.checklist li.done")) == 3, "all three offices signed")
            b.click("办结检查")
            b.expect("已办结" in b.text() or "办结" in b.text(), f"the inspection is closed; saw {b.text()[:400]}")
            b.shot("inspection-closed")
        b.sign_out()

    # ——— Year 3: the revocation for fraud (Art 20) ———
    b.step("the federation decides the revocation case the misuse opened: revoked for fraud, with its 通报")
    sign_in(args.federation, "待决定事项")
    b.wait_for("the revocation case", lambda: (b.go("/cycle") or True) and driver.find_elements(By.CSS_SELECTOR, "#revocations form.decision"))
    b.shot("federation-case")
    form = driver.find_element(By.CSS_SELECTOR, "#revocations form.decision")
    Select(form.find_element(By.NAME, "decision")).select_by_value("revoke")
    form.find_element(By.NAME, "reasons").send_keys("经查实以虚假票据套取补助经费，属弄虚作假（第二十条）")
    form.find_element(By.NAME, "publicText").send_keys("以虚假票据套取补助经费")
    b.submit(form)
    b.expect("已撤销命名" in b.text(), f"the case is decided; saw {b.text()[:500]}")
    notices = driver.find_elements(By.XPATH, "//section[@id='revocations']//a[normalize-space()='通报']")
    b.expect(notices, "the decision links its public notice")
    driver.get(notices[0].get_attribute("href"))
    b.expect("撤销" in b.text(), f"the public 通报; saw {b.text()[:400]}")
    b.shot("fraud-notice")
    b.sign_out()

    # ——— The end of the cycle (Art 17): overdue within the grace period ———
    cycle_end = named_on.replace(year=named_on.year + 3)
    advance_to(cycle_end + datetime.timedelta(days=5), "five days past the cycle's end, within the grace period")
    b.step("the department's to-do list: four assessments overdue, within their grace period")
    sign_in(args.department, "评审批次")
    b.wait_for("four overdue assessments", lambda: len([t for t in open_todos() if t.startswith("考核逾期")]) == 4)
    todos = open_todos()
    b.expect(b.badge() == len(todos), f"the badge ({b.badge()}) counts the list ({todos})")
    b.expect(all("宽限期" in t for t in todos if t.startswith("考核逾期")), f"each says the grace period runs: {todos}")
    b.shot("department-overdue-todos")

    for letter, studio in (("a", A), ("c", C), ("d", D), ("e", E)):
        fails = studio == D
        b.step(f"the department records the end-of-cycle assessment of {studio}: {'fail' if fails else 'pass'}")
        b.go(f"/cycle/studios/{studio}/assess")
        for index, field in enumerate(driver.find_elements(By.CSS_SELECTOR, "input[name^='score.']")):
            b.type_into(field, str((6 + index) if fails else (16 + index % 3)))
        b.type_into(b.field("查看日期"), (today() - datetime.timedelta(days=2)).isoformat())
        b.type_into(b.field("查看人员（逗号分隔）"), "经济工作部 李明, 专家 赵华")
        plaque = driver.find_element(By.NAME, "plaqueDisplayed")
        if plaque.is_selected() == fails:
            plaque.click()
        b.type_into(b.field("考核日期"), today().isoformat())
        Select(b.field("考核结果")).select_by_value("fail" if fails else "pass")
        if fails:
            b.type_into(b.field("考核意见（内部）"), "三年内无委托创新项目，未悬挂标牌（第五条、第十八条）")
            b.type_into(b.field("通报内容（不合格时，可选）"), "三年内无委托创新项目，未悬挂标牌")
        b.shot(f"assess-studio-{letter}-{'fail' if fails else 'pass'}")
        b.click("记录考核结果")
        b.expect(not driver.find_elements(By.CSS_SELECTOR, "main p.error"), f"the assessment is recorded; saw {b.text()[:600]}")

    b.step("every overdue assessment is done: the department's list is empty")
    b.wait_for("the overdue to-dos to clear", lambda: (b.go("/todos") or True) and b.badge() == 0)
    b.expect("考核逾期" in b.text() and "撤销" in b.text(), "the done list shows the assessments, one ending in revocation")
    b.shot("department-todos-cleared")
    b.go("/cycle")
    b.shot("department-cycle")
    b.sign_out()

    b.step("the public register: the revoked studios are off it")
    b.go("/public/studios")
    b.shot("public-register")
