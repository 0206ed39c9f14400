"""Years 2 and 3 from the desks of finance (财务部), the audit office (经审办), the department (经济工作部), the federation
(市总工会) and the operator (运维), in a real headless Chromium over the five real binaries after the three years were
played through the services: each desk's to-do list and its badge; the year's budget and grants; a payment batch
and the bank's confirmation with a mismatched row, refused whole and shown row by row; a studio's ledger, an
expense refused by Art 15 and one recorded with its receipt; the biennial inspection's three sign-offs; the
cycle's assessments and the revocation for fraud with its 通报; the operator's console, a replay and the audit log.
Run by PortalTests; screenshots of each step in --screenshots.
"""
import argparse
import os
import tempfile
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from portal_browser import Browser, write_receipt

parser = argparse.ArgumentParser()
parser.add_argument("--portal", required=True)
parser.add_argument("--screenshots", required=True)
parser.add_argument("--today", required=True)
parser.add_argument("--year-one", type=int, required=True)
parser.add_argument("--studio", required=True, help="a studio whose naming grant was paid")
parser.add_argument("--paid-reference", required=True, help="the reference of that paid grant")
parser.add_argument("--revoked", required=True, help="the studio revoked for fraud")
parser.add_argument("--finance", required=True, help="username:first-password")
parser.add_argument("--audit", required=True)
parser.add_argument("--department", required=True)
parser.add_argument("--federation", required=True)
parser.add_argument("--operator", required=True)
args = parser.parse_args()

b = Browser(args.portal, args.screenshots)
driver = b.driver
files = tempfile.mkdtemp()


# 1. Finance: the to-do list (every grant of the three years paid, each marked done by funding's grant.paid)
b.step("finance signs in and sees its to-do list")
b.sign_in(args.finance, "finance-desk-pass-2", "经费管理")
b.go("/todos")
text = b.text()
# Every grant of the three years was paid; another test's naming round may have left one to pay (it runs first or not).
open_rows = driver.find_elements(By.CSS_SELECTOR, "tr.todo-open")
b.expect(b.badge() == len(open_rows), f"the badge ({b.badge()}) counts the open items ({len(open_rows)})")
b.expect("最近办结" in text and "已拨付" in text, "the paid grants are listed as done, with the payment")
# studio.revoked or funding's grant.cancelled, whichever reached the portal first
b.expect("命名已撤销" in text or "被撤销命名" in text, "the revoked studio's unpaid grant is listed as stopped")
b.shot("finance-todos")

b.step("finance reads the year's budget and grants")
b.go(f"/funds?year={args.year_one}")
text = b.text()
for label in ("年度预算", "已承诺", "暂缓", "已批准待拨付", "已拨付", "预算余额"):
    b.expect(label in text, f"the year's figures show {label}")
b.expect(" 元" in text, "money is shown in yuan")
b.shot("finance-year")

b.step("finance makes a payment batch: nothing approved is left to pay")
b.click("生成支付批次")
b.expect("没有可拨付的已批准补助" in b.text(), "no batch without approved grants")
b.shot("finance-batch")

b.step("finance uploads the bank's confirmation with a mismatched row: nothing is applied")
path = os.path.join(files, "confirmation.csv")
with open(path, "w", encoding="utf-8") as out:
    out.write("参考号,金额（元）,付款流水号,付款日期\r\n")
    out.write(f"{args.paid_reference},10000.00,ICBC-AGAIN-0001,{args.today}\r\n")
    out.write(f"NO-SUCH-GRANT,123.45,ICBC-AGAIN-0002,{args.today}\r\n")
b.field("银行确认文件（CSV）").send_keys(path)
b.click("上传并核对")
text = b.text()
b.expect("确认文件中有不符的行，未确认任何拨付" in text, "a file with a mismatch is refused whole")
rows = driver.find_elements(By.CSS_SELECTOR, "#confirmation tr.mismatch")
b.expect(len(rows) == 2, f"each mismatched row is shown with its reason, saw {len(rows)}")
b.expect("NO-SUCH-GRANT" in text, "the unknown reference is named")
b.shot("finance-confirmation-refused")
b.sign_out()

# 2. The department: a studio's ledger, an expense refused by Art 15, one recorded with its receipt
b.step("the department opens a studio's ledger")
b.sign_in(args.department, "department-desk-pass-2", "")
b.go(f"/funds/studios/{args.studio}")
text = b.text()
b.expect("可用余额" in text and "台账明细" in text, "the ledger and the balances show")
b.shot("department-ledger")

b.step("the department records a banquet against the grant: refused by Art 15, beside the field")
options = driver.find_elements(By.CSS_SELECTOR, "#grantId option")
b.expect(len(options) > 1, "the paid grant can be chosen")
b.record_expense(options[1].text, "其他（填写名称）", "工作室日常运营", "800", args.today, "验收聚餐",
                 other_name="宴请", other_reason="项目验收后聚餐")
errors = driver.find_elements(By.CSS_SELECTOR, "#category ~ p.error")
b.expect(errors and "第十五条" in errors[0].text and "宴请" in errors[0].text, "the Art 15 refusal is shown under the category")
b.shot("department-expense-refused")

b.step("the department records printing costs with the receipt")
options = driver.find_elements(By.CSS_SELECTOR, "#grantId option")
b.record_expense(options[1].text, "资料印刷", "高技能人才培养", "1200.50", args.today, "印刷技能培训手册200册",
                 receipt=write_receipt(files))
text = b.text()
b.expect("已记录支出 1,200.50 元" in text, "the expense is recorded")
b.expect("资料印刷" in text and "receipt.pdf" in text, "it is listed under its category with its receipt")
b.shot("department-expense-recorded")

b.step("the department's cycle desk: assessments due and the revocation cases")
b.go("/cycle")
text = b.text()
b.expect("待考核与逾期" in text and "撤销案件" in text and "变更报告" in text, "the cycle page shows its three parts")
b.expect("已撤销命名" in text, "the fraud case is decided")
b.expect("示范性创新工作室考核验收" in text and "验收合格" in text, "the demonstration acceptance of year two shows")
b.shot("department-cycle")

b.step("the department reports a unit's new name (Art 19)")
Select(b.field("变更的工作室")).select_by_value(args.studio)
b.type_into(b.field("新单位名称"), "衢州精工集团股份有限公司")
b.type_into(b.field("报告日期"), args.today)
b.type_into(b.field("说明"), "公司完成股份制改造")
b.click("报告变更")
b.expect("已报告变更，待市总工会决定" in b.text(), "the report waits for the federation")
b.expect("衢州精工集团股份有限公司" in driver.find_element(By.ID, "changes").text, "it is listed")
b.shot("department-change-report")

b.step("the department's reports: per year and per county, as tables, bar charts and CSV")
b.go("/reports")
text = b.text()
b.expect("按年度" in text and "按初审单位" in text, "both tables show")
b.expect(len(driver.find_elements(By.CSS_SELECTOR, "figure.chart svg rect")) >= 3, "the bar charts are drawn on the server")
b.expect(f"{args.year_one}年" in text, "the naming year is a row")
b.shot("department-reports")
cookie = driver.get_cookie("qz_session")["value"]
request = urllib.request.Request(args.portal + "/reports/report.csv?by=county", headers={"Cookie": f"qz_session={cookie}"})
with urllib.request.urlopen(request) as reply:
    csv_text = reply.read().decode("utf-8-sig")
    b.expect(reply.headers["Content-Type"].startswith("text/csv"), "the CSV is a CSV")
b.expect(csv_text.startswith("初审单位,申报数,命名数") and len(csv_text.strip().splitlines()) >= 2, f"the county CSV has its header and rows: {csv_text[:200]}")
b.sign_out()

# 3. The audit office: the inspection's checklist, signed by the three offices
b.step("the audit office reads an inspection and its three sign-offs")
b.sign_in(args.audit, "audit-desk-pass-22", "经费管理")
b.go("/funds/inspections")
links = driver.find_elements(By.CSS_SELECTOR, "main table a[href^='/funds/inspections/']")
b.expect(links, "the inspections are listed")
driver.get(links[0].get_attribute("href"))
text = b.text()
for office in ("经济工作部", "财务部", "经审办"):
    b.expect(office in text, f"the checklist names {office}")
b.expect(len(driver.find_elements(By.CSS_SELECTOR, "ul.checklist li.done")) == 3, "all three offices signed")
b.shot("audit-inspection")
b.sign_out()

# 4. The federation: the revocation for fraud and its public notice
b.step("the federation sees the fraud revocation with its 通报")
b.sign_in(args.federation, "federation-desk-pass-2", "")
b.go("/cycle")
b.expect("已撤销命名" in b.text(), "the decided case shows")
notices = driver.find_elements(By.XPATH, "//section[@id='revocations']//a[normalize-space()='通报']")
b.expect(notices, "the case links its public notice")
b.shot("federation-cycle")
b.step("the federation adjusts the studio's unit name")
form = driver.find_element(By.CSS_SELECTOR, "#changes form.decision")
driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "effectiveOn"), args.today)
b.submit(form)
b.expect("已调整工作室信息" in b.text(), "the change is decided")
b.expect("已调整" in driver.find_element(By.ID, "changes").text, "the report shows its decision")
b.shot("federation-change-adjusted")
notices = driver.find_elements(By.XPATH, "//section[@id='revocations']//a[normalize-space()='通报']")
driver.get(notices[0].get_attribute("href"))
b.expect("撤销" in b.text(), "the notice is public")
b.shot("federation-notice")
b.sign_out()

# 5. The operator: the four services at a glance, a replay, the audit log
b.step("the operator's console")
b.sign_in(args.operator, "operator-desk-pass-2", "账户管理")
b.go("/operator")
text = b.text()
for name in ("申报服务", "评审服务", "经费服务", "考核管理服务"):
    b.expect(name in text, f"the console shows {name}")
b.expect(len(driver.find_elements(By.CSS_SELECTOR, ".service-card .status.good")) == 4, "all four services are ready")
b.shot("operator-console")

b.step("the operator replays intake's dead letters of the last day")
b.submit(driver.find_element(By.CSS_SELECTOR, "#service-intake form.replay"))
b.expect("已重新排队" in b.text(), "the replay is acknowledged with its count")
b.shot("operator-replay")

b.step("the operator verifies the portal's audit log")
b.go("/operator/audit/portal")
b.expect("哈希链完整" in b.text(), "the portal's audit chain is intact")
b.shot("operator-audit")

b.quit()
print(f"{b.step_number} steps passed; screenshots in {args.screenshots}")
