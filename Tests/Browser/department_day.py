"""The department's qualification review (资格审查, Art 11) in a real headless Chromium, with the county on the
other side: a county submits two applications; the department returns one for amendment and fails the other,
each with a reason; the county sees the return, amends in the browser and resubmits; the department passes the
new version. Run by PortalTests against the five real binaries; screenshots of each step in --screenshots.
"""
import argparse
import datetime
import time

from selenium.webdriver.common.by import By

from portal_browser import Browser

parser = argparse.ArgumentParser()
parser.add_argument("--portal", required=True)
parser.add_argument("--screenshots", required=True)
parser.add_argument("--round-id", required=True)
parser.add_argument("--round-year", type=int, required=True)
parser.add_argument("--today", required=True)
parser.add_argument("--county", required=True, help="username:first-password")
parser.add_argument("--department", required=True, help="username:first-password")
parser.add_argument("--credit-codes", required=True, help="two unified social credit codes, comma-separated")
parser.add_argument("--id-number", required=True)
args = parser.parse_args()

b = Browser(args.portal, args.screenshots)
today = datetime.date.fromisoformat(args.today)
started = (today - datetime.timedelta(days=400)).isoformat()
codes = args.credit_codes.split(",")
members = [("李明", "技术骨干"), ("赵芳", "工艺员")]


def eventually(condition, message, reload_path):
    """What another service learns by an event arrives within milliseconds; allow a few seconds on a busy machine."""
    for _ in range(20):
        b.go(reload_path)
        if condition():
            return
        time.sleep(0.25)
    b.fail(message)


with b.running():
    b.step("the county submits two applications")
    b.sign_in(args.county, "changshan-new-password-1", "工作台")
    for order, (unit, code, studio) in enumerate((("常山精工机械有限公司", codes[0], "常山数控创新工作室"), ("常山胡柚科技有限公司", codes[1], "常山胡柚加工创新工作室")), start=1):
        b.go(f"/county/rounds/{args.round_id}/new")
        b.fill_application(unit, code, studio, args.id_number, "13905700000", started, f"{args.round_year}-01-01", f"{args.round_year}-12-31", members, order)
        b.click("提交申报")
        b.expect("申报已提交" in b.text(), f"{studio} submitted; saw {b.text()[:300]}")
    b.sign_out()

    b.step("the department sees the round's pipeline")
    b.sign_in(args.department, "department-new-password-1", "评审批次")
    eventually(lambda: f"{args.round_year}年度命名申报" in b.text(), "review knows the round once the first application arrived", "/department")
    b.shot("department-rounds")
    b.driver.find_element(By.LINK_TEXT, f"{args.round_year}年度命名申报").click()
    eventually(lambda: "常山数控创新工作室" in b.text() and "常山胡柚加工创新工作室" in b.text(), "both applications in the round", b.driver.current_url.replace(args.portal, ""))
    b.shot("department-round")

    b.step("the department returns one application for amendment, with its reason")
    b.driver.find_element(By.LINK_TEXT, "常山数控创新工作室").click()
    b.expect("申报表" in b.text() and "王建国" in b.text(), "the form beside the decision")
    b.shot("qualification-form")
    b.choose(b.field("审查结论"), "退回补正")
    b.choose(b.field("问题所在栏目"), "四、团队成员（负责人以外）")
    b.choose(b.field("依据条款"), "第五条第（四）项 负责人与团队")
    b.type_into(b.field("理由（退回补正和不通过必填，县区可见）"), "请补充团队成员的职业技能等级。")
    b.click("提交审查意见")
    b.expect("资格审查结果已记录：退回补正" in b.text(), f"the return is recorded; saw {b.text()[:300]}")

    b.step("a return without a reason is refused beside the form, and the other application fails with one")
    b.driver.find_element(By.LINK_TEXT, "常山胡柚加工创新工作室").click()
    b.choose(b.field("审查结论"), "不通过")
    b.click("提交审查意见")
    b.expect("须说明理由" in b.text(), f"review's refusal shown; saw {b.text()[:400]}")
    b.shot("fail-without-reason-refused")
    b.choose(b.field("审查结论"), "不通过")
    b.choose(b.field("依据条款"), "第七条 创建满6个月")
    b.type_into(b.field("理由（退回补正和不通过必填，县区可见）"), "创建时间材料与实际不符。")
    b.click("提交审查意见")
    b.expect("资格审查结果已记录：不通过" in b.text(), "the failure is recorded")
    b.shot("decisions-recorded")
    b.sign_out()

    b.step("the county sees the return, amends in the browser and resubmits")
    b.sign_in(args.county.split(":")[0] + ":changshan-new-password-1", "unused", "工作台")
    eventually(lambda: "被退回修改" in b.text(), "the return on the county's dashboard", "/county")
    b.shot("county-sees-return")
    b.driver.find_element(By.LINK_TEXT, "常山数控创新工作室").click()
    b.expect("请补充团队成员的职业技能等级" in b.text(), "the department's reason on the application's page")
    b.click("修改申报表")
    b.expect("请补充团队成员的职业技能等级" in b.text(), "the reason beside the form")
    b.choose(b.row_field("四、团队成员", 1, "职业技能等级"), "二级/技师")
    b.choose(b.row_field("四、团队成员", 2, "职业技能等级"), "三级/高级工")
    b.shot("county-amends")
    b.click("提交修改")
    b.expect("修改已提交" in b.text() and "第2版" in b.text(), f"a second version; saw {b.text()[:300]}")
    b.sign_out()

    b.step("the department passes the amended version")
    b.sign_in(args.department.split(":")[0] + ":department-new-password-1", "unused", "评审批次")
    b.driver.find_element(By.LINK_TEXT, f"{args.round_year}年度命名申报").click()
    eventually(lambda: "已提交" in b.text(), "the amended application awaits review again", b.driver.current_url.replace(args.portal, ""))
    b.driver.find_element(By.LINK_TEXT, "常山数控创新工作室").click()
    b.expect("第2版" in b.text() and "二级/技师" in b.text(), "the amended form")
    b.choose(b.field("审查结论"), "通过")
    b.click("提交审查意见")
    b.expect("资格审查结果已记录：通过" in b.text(), "the pass is recorded")
    b.shot("passed")

    b.step("the department opens a demonstration round, a bad quota refused beside its field")
    b.go("/department")
    b.click("开启申报批次")
    b.choose(b.field("批次类型"), "示范性创新工作室（第十四条）")
    far = args.round_year + 9
    b.type_into(b.field("年度"), str(far))
    b.type_into(b.field("开始受理日期"), f"{far}-03-01")
    b.type_into(b.field("县区报送截止日期"), f"{far}-02-01")
    b.type_into(b.field("柯城区总工会"), "两个")
    b.click("开启批次")
    b.expect("柯城区总工会的名额须为整数" in b.text(), f"the quota refused beside it; saw {b.text()[:400]}")
    b.type_into(b.field("柯城区总工会"), "2")
    b.click("开启批次")
    b.expect("截止日期早于开始日期" in b.text(), f"intake's rule shown; saw {b.text()[:400]}")
    b.type_into(b.field("县区报送截止日期"), f"{far}-04-30")
    b.click("开启批次")
    b.expect(f"已开启{far}年度示范性创新工作室" in b.text(), f"the round is open; saw {b.text()[:400]}")
    b.shot("round-opened")

    b.step("the department imports experts from a sheet: a bad row refuses the sheet, the corrected one imports")
    import os, tempfile
    header = "专家编号,姓名,工作单位,所在地区代码,专业领域,职称或技能等级,最多评审份数,申报的关系,关系人\r\n"
    sheet = os.path.join(tempfile.mkdtemp(), "experts.csv")
    stamp = str(far)
    rows = f"IMP-{stamp}-1,钱立,衢州学院,330802,装备制造/数控加工,教授,5,,\r\nIMP-{stamp}-2,孙青,江山职校,330881,农产品加工/胡柚,高级技师,多个,,\r\n"
    with open(sheet, "w", encoding="utf-8-sig") as f:
        f.write(header + rows)
    b.go("/department/experts")
    b.driver.find_element(By.ID, "x-file").send_keys(sheet)
    b.click("导入")
    b.expect("第3行“最多评审份数”" in b.text() and f"IMP-{stamp}-1" not in b.driver.find_element(By.XPATH, "//table[@class='list']").text,
             f"the bad row is named and nobody imported; saw {b.text()[:500]}")
    b.shot("experts-import-refused")
    with open(sheet, "w", encoding="utf-8-sig") as f:
        f.write(header + rows.replace(",多个,", ",4,"))
    b.driver.find_element(By.ID, "x-file").send_keys(sheet)
    b.click("导入")
    b.expect("导入 2 名专家" in b.text() and f"IMP-{stamp}-2" in b.text(), f"the sheet is imported; saw {b.text()[:400]}")
    b.shot("experts-imported")
