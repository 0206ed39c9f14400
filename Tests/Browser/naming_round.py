"""A naming round from the department's, the experts' and the federation's desks, in a real headless Chromium:
qualify what waits, build the expert pool (one expert declares a master–apprentice relationship with a leader),
assign, every expert scores in the browser, close, publish the 公示, the demo clocks move past it, the federation
approves, and the named studios appear on the public register. Run by PortalTests over the five real binaries.
"""
import argparse
import json
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from portal_browser import Browser

parser = argparse.ArgumentParser()
parser.add_argument("--portal", required=True)
parser.add_argument("--screenshots", required=True)
parser.add_argument("--round-year", type=int, required=True)
parser.add_argument("--department", required=True, help="username:first-password")
parser.add_argument("--federation", required=True, help="username:first-password")
parser.add_argument("--experts", required=True, help="id:first-password,… for the experts' accounts")
parser.add_argument("--scorers", required=True, help="id:first-password,… of every expert who may have assignments")
parser.add_argument("--clocks", required=True, help="the services' base URLs, comma-separated, whose demo clocks the test moves")
parser.add_argument("--operator-token", required=True)
args = parser.parse_args()

b = Browser(args.portal, args.screenshots)
round_title = f"{args.round_year}年度命名申报"
experts = [entry.split(":", 1) for entry in args.experts.split(",")]


def open_round():
    b.go("/department")
    b.driver.find_element(By.LINK_TEXT, round_title).click()


def step_button(label):
    b.click(label)
    b.expect("未完成" not in b.text(), f"“{label}” was refused: {b.text()[:600]}")


with b.running():
    b.step("the department qualifies every application that waits")
    b.sign_in(args.department, "department-two-password-1", "评审批次")
    open_round()
    while b.driver.find_elements(By.XPATH, "//main//a[normalize-space()='资格审查']"):
        b.click("资格审查")
        b.choose(b.field("审查结论"), "通过")
        b.click("提交审查意见")
        b.expect("资格审查结果已记录：通过" in b.text(), f"a pass recorded; saw {b.text()[:400]}")
    passed = [row.text for row in b.driver.find_elements(By.XPATH, "//table//tr[td/span[normalize-space()='资格审查通过']]/td[1]")]
    b.expect(passed, "some applications passed qualification")
    b.shot("qualified")

    b.step("the department adds the experts, one with a declared master–apprentice relationship")
    for index, (expert_id, _) in enumerate(experts):
        b.go("/department/experts")
        b.type_into(b.field("专家编号"), expert_id)
        b.type_into(b.field("姓名"), f"专家{index + 1}")
        b.type_into(b.field("工作单位"), f"衢州职业技术学院{index + 1}系")
        b.type_into(b.field("专业领域（用顿号分隔）"), "装备制造/数控加工")
        b.type_into(b.field("最多评审份数"), "10")
        if index == len(experts) - 1:
            b.choose(b.field("申报的关系"), "师徒关系")
            b.type_into(b.field("关系人（负责人或团队成员姓名）"), "王建国")
        b.click("添加专家")
        b.expect(f"已添加专家“专家{index + 1}”" in b.text(), f"expert {expert_id} added; saw {b.text()[:400]}")
    b.shot("expert-pool")
    b.step("the department corrects an expert's record")
    b.driver.find_element(By.LINK_TEXT, experts[0][0]).click()
    b.type_into(b.field("最多评审份数"), "十二")
    b.click("保存")
    b.expect("最多评审份数须为整数" in b.text(), f"a bad number is refused beside its field; saw {b.text()[:300]}")
    b.type_into(b.field("最多评审份数"), "12")
    b.type_into(b.field("职业技能等级或专业技术职称"), "高级工程师")
    b.click("保存")
    b.expect("已保存专家“专家1”" in b.text() and "12" in b.text(), f"the expert is saved; saw {b.text()[:300]}")
    b.shot("expert-edited")

    b.step("the department sets the round's review: the scoring deadline and the 公示 length")
    open_round()
    b.click("评审设置")
    b.expect("评分细则" in b.text() and "评分要点" in b.text(), f"the settings show the rubric; saw {b.text()[:400]}")
    b.type_into(b.field("公示期（工作日）"), "abc")
    b.click("保存设置")
    b.expect("公示期须为整数" in b.text(), f"a bad number is refused beside its field; saw {b.text()[:400]}")
    b.type_into(b.field("公示期（工作日）"), "5")
    b.click("保存设置")
    b.expect("评审设置已保存" in b.text(), f"the settings are saved; saw {b.text()[:400]}")
    b.shot("round-settings")

    b.step("the assignment, with the related expert kept off the leader's applications")
    open_round()
    step_button("运行专家分配")
    table = b.driver.find_element(By.XPATH, "//table[@aria-label='专家分配']")
    rows = [row.text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    b.expect(rows and all(experts[-1][0] not in row for row in rows), f"the related expert is assigned nowhere: {rows}")
    b.shot("assignment")
    step_button("开始评分")
    b.click("专家安排与评分进度")
    b.expect("分配表" in b.text() and "回避情况" in b.text(), f"the panel page; saw {b.text()[:400]}")
    b.expect(experts[-1][0] in b.driver.find_element(By.XPATH, "//table[@aria-label='回避情况']").text, "the declared relationship is listed among the conflicts")
    b.shot("panel")
    b.sign_out()

    scorers = [entry.split(":", 1) for entry in args.scorers.split(",")]
    recused = None
    for position, (expert_id, password) in enumerate(scorers):
        b.step(f"expert {expert_id} scores their assignments")
        b.sign_in(f"{expert_id}:{password}", f"{expert_id}-new-password", "评审任务")
        # Earlier years' sheets are submitted already; this round's wait.
        links = [row.find_element(By.TAG_NAME, "a").text for row in b.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
                 if row.find_elements(By.TAG_NAME, "a") and not row.text.endswith("已提交")]
        if recused is None and links:
            # The first expert with work finds a tie the rules did not know, and recuses from it.
            studio = links.pop(0)
            b.go("/expert")
            b.driver.find_element(By.LINK_TEXT, studio).click()
            b.expect("申报材料" in b.text() and "附件" in b.text() and "有固定场所且功能明确" in b.text(),
                     f"the sheet shows the application, its files and the rubric's guidance; saw {b.text()[:300]}")
            b.shot(f"expert-{expert_id}-reads")
            b.click("申请回避")
            b.expect("回避理由" in b.text() and "请填写" in b.text(), f"a recusal without a reason is refused beside it; saw {b.text()[:500]}")
            b.type_into(b.field("回避理由"), "该工作室负责人是我的徒弟，申报时未登记。")
            b.click("申请回避")
            b.expect("已申请回避" in b.text(), f"the recusal; saw {b.text()[:400]}")
            waiting = [row.text for row in b.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if not row.text.endswith("已提交")]
            b.expect(not any(row.startswith(studio) for row in waiting), f"{studio} left the expert's list: {waiting}")
            recused = studio
            b.sign_out()
            b.step("the department sees the short panel and reassigns it by hand")
            b.sign_in(args.department.split(":")[0] + ":department-two-password-1", "unused", "评审批次")
            open_round()
            b.click("专家安排与评分进度")
            b.expect("专家不足" in b.text(), f"the short panel is flagged; saw {b.text()[:500]}")
            matrix = b.driver.find_element(By.XPATH, "//table[@aria-label='分配表']")
            header = [th.text.split("\n") for th in matrix.find_elements(By.CSS_SELECTOR, "thead th")]
            row = [r for r in matrix.find_elements(By.CSS_SELECTOR, "tbody tr") if r.find_elements(By.TAG_NAME, "td")[0].text == recused][0]
            cells = row.find_elements(By.TAG_NAME, "td")
            on_panel = {header[i][1].split(" · ")[0] for i, cell in enumerate(cells) if 0 < i < len(cells) - 1 and cell.text.startswith("✔")}
            # Someone later in the list, so they score it in their turn; review refuses one with a conflict, so try the next.
            candidates = [scorer_id for scorer_id, _ in scorers[position + 1:] if scorer_id not in on_panel]
            changed = False
            for candidate in candidates:
                b.choose(b.field("申报"), recused)
                Select(b.field("增派专家")).select_by_value(candidate)
                b.type_into(b.field("调整理由（记入审计日志）"), "原评审专家主动回避，补派。")
                b.click("调整")
                if "专家安排已调整" in b.text():
                    changed = True
                    break
            b.expect(changed, f"an expert later in the list takes {recused}: tried {candidates}; saw {b.text()[:500]}")
            b.shot("panel-reassigned")
            b.sign_out()
            b.sign_in(f"{expert_id}:{expert_id}-new-password", "unused", "评审任务")
        for studio in links:
            b.go("/expert")
            b.driver.find_element(By.LINK_TEXT, studio).click()
            for row in b.driver.find_elements(By.CSS_SELECTOR, "table[aria-label='评分细则'] tbody tr"):
                cells = row.find_elements(By.TAG_NAME, "td")
                top = int(cells[1].text)
                field = cells[3].find_element(By.TAG_NAME, "input")
                b.type_into(field, str(max(1, top - 1 - len(studio) % 3)))
            b.type_into(b.field("评语"), "项目扎实，团队结构合理。")
            if studio == links[0]:
                b.click("保存草稿")
                b.expect("评分草稿已保存" in b.text(), "the draft is saved")
            b.click("提交评分表")
            b.expect("评分表已提交" in b.text(), f"the sheet is submitted; saw {b.text()[:400]}")
        b.shot(f"expert-{expert_id}-done")
        b.sign_out()

    b.step("the department closes scoring, sees the ranking and publishes the 公示")
    b.sign_in(args.department.split(":")[0] + ":department-two-password-1", "unused", "评审批次")
    open_round()
    step_button("结束评分")
    ranking = b.driver.find_element(By.XPATH, "//table[@aria-label='评审排名']")
    b.expect(len(ranking.find_elements(By.CSS_SELECTOR, "tbody tr")) >= 1 and "是" in ranking.text, f"a ranking with a proposal: {ranking.text}")
    b.shot("ranking")
    b.click("排名明细")
    detail = b.driver.find_element(By.XPATH, "//table[@aria-label='评审排名明细']")
    first = detail.find_elements(By.CSS_SELECTOR, "tbody tr")[0].find_elements(By.TAG_NAME, "td")
    b.expect("同分时的先后规则" in b.text() and first[2].text.strip() != "", f"the ranking shows each expert's score; saw {detail.text[:500]}")
    b.shot("ranking-detail")
    open_round()
    step_button("发布公示")
    b.expect("公示期" in b.text() and "（5个工作日）" in b.text(), f"the notice period of the settings is shown; saw {b.text()[:500]}")
    b.shot("notice-published")
    b.click("打印公示名单")
    b.expect("名单的公示" in b.title() and passed[0] in b.text(), f"the printable list; saw {b.text()[:400]}")
    b.shot("notice-print")
    open_round()
    b.sign_out()

    b.step("the 公示 is on the public pages, and anyone may object during it")
    b.go("/public/gongshi")
    b.expect(round_title in b.text() and "公示中" in b.text(), f"the round's 公示 is listed publicly; saw {b.text()[:400]}")
    b.shot("public-gongshi-list")
    b.driver.find_element(By.PARTIAL_LINK_TEXT, str(args.round_year)).click()
    b.expect(passed[0] in b.text() and "个工作日" in b.text(), f"the list and its period; saw {b.text()[:400]}")
    b.expect("王建国" not in b.text() and "1390570" not in b.text(), "no person's data on the public page")
    b.choose(b.field("异议对象"), [o.text for o in Select(b.field("异议对象")).options if o.text.startswith(passed[0])][0])
    b.type_into(b.field("姓名或单位名称"), "李群众")
    b.type_into(b.field("联系方式"), "13905709999")
    b.click("提交异议")
    b.expect("未能提交" in b.text(), f"an objection without its reasons is refused beside the field; saw {b.text()[:500]}")
    b.type_into(b.field("异议内容及理由"), "该工作室的一项专利权属有争议，请核实。")
    b.click("提交异议")
    b.expect("异议已收到" in b.text(), f"the public objection is received; saw {b.text()[:400]}")
    b.shot("public-objection")

    b.step("the department sees the public objection, records one received by letter, and resolves both")
    b.sign_in(args.department.split(":")[0] + ":department-two-password-1", "unused", "评审批次")
    open_round()
    b.expect("专利权属有争议" in b.text(), f"the public objection reached the department; saw {b.text()[:600]}")
    b.type_into(b.field("异议内容（提出人的姓名和联系方式不在此记录）"), "反映该工作室场地面积与申报不符。")
    b.click("记录异议")
    b.expect("异议已记录" in b.text() and "反映该工作室场地面积与申报不符" in b.text(), f"the objection is listed; saw {b.text()[:500]}")
    for _ in range(5):
        table = b.driver.find_element(By.XPATH, "//table[@aria-label='公示异议']")
        boxes = table.find_elements(By.CSS_SELECTOR, "input[name='resolution']")
        if not boxes:
            break
        boxes[0].send_keys("经实地核实，情况属实无误，异议不成立。")
        b.click("处理异议")
        b.expect("异议不成立" in b.text(), f"the objection is resolved; saw {b.text()[:400]}")
    b.expect(not b.driver.find_element(By.XPATH, "//table[@aria-label='公示异议']").find_elements(By.CSS_SELECTOR, "input[name='resolution']"),
             "every objection is resolved")
    b.shot("objection-resolved")
    b.sign_out()

    b.step("the demo clocks move past the notice; the federation approves")
    for url in args.clocks.split(","):
        request = urllib.request.Request(url + "/ops/clock", data=json.dumps({"advanceDays": 20}).encode(), method="POST",
                                         headers={"Authorization": f"Bearer {args.operator_token}", "Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
    b.sign_in(args.federation, "federation-new-password-1", "待决定事项")
    b.expect(round_title in b.text(), "the round awaits the federation")
    b.shot("federation-awaits")
    b.click("批准命名")
    b.expect("命名决定已作出" in b.text(), f"the decision; saw {b.text()[:400]}")
    b.step("the printable naming decision and its certificates")
    for _ in range(40):
        b.click("打印命名决定和证书（A4）")
        if "牌匾编号" in b.text() and "衢工创" in b.text():
            break
        b.driver.back()
        time.sleep(0.25)
    b.expect("命名" in b.title() and passed[0] in b.text() and "衢工创" in b.text() and "荣誉证书" in b.text(),
             f"the decision lists the named studio with its plaque; saw {b.text()[:600]}")
    b.shot("naming-decision-print")
    b.go("/federation")
    b.sign_out()

    b.step("the named studios appear on the public register")
    for _ in range(40):
        b.go("/public/studios")
        if all(name in b.text() for name in passed[:1]):
            break
        time.sleep(0.25)
    b.expect(passed[0] in b.text(), f"{passed[0]} on the public register")
    b.shot("public-register")
